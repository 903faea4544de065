import { reviewPagePath } from '@interview/protocol';

/**
 * The interviewer's link to a room's review page. The token travels in the
 * fragment, as in room links, so it never reaches the server in a page request.
 */
export function reviewLink(roomId: string, token: string): string {
  return `${reviewPagePath(roomId)}#${new URLSearchParams({ token }).toString()}`;
}
