import { roomPagePath } from '@interview/protocol';

/**
 * Room links that carry a token, built the way the server builds them
 * (`apps/server/src/rooms/room-links.ts`): the token in the fragment, which
 * browsers never send to a server. (The review link from inside the room is
 * `lib/room/review-link.ts`.)
 */

const fragment = (token: string) => `#token=${encodeURIComponent(token)}`;

/** `/r/<roomId>#token=…` */
export function roomHref(roomId: string, token: string): string {
  return `${roomPagePath(roomId)}${fragment(token)}`;
}

/** The absolute room link on this page's origin, as the recent rooms keep it. */
export function absoluteRoomLink(origin: string, roomId: string, token: string): string {
  return `${origin}${roomHref(roomId, token)}`;
}
