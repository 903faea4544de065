import { roomPagePath } from '@interview/protocol';

/** An absolute page link carrying its secret in the fragment, which browsers never send to a server. */
export function roomLink(baseUrl: string, roomId: string, token: string): string {
  return `${baseUrl}${roomPagePath(roomId)}#token=${encodeURIComponent(token)}`;
}
