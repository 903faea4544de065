import { ROOM_ID_PATTERN } from '@interview/protocol';

export type Route =
  | { page: 'home' }
  | { page: 'questions' }
  | { page: 'room'; roomId: string }
  | { page: 'review'; roomId: string }
  | { page: 'not-found' };

/** `/r/<id>` and `/r/<id>/review`, each with an optional trailing slash. */
const ROOM_PATH = /^\/r\/([^/]+)(\/review)?\/?$/;

/** Maps a page pathname to the page that renders it. */
export function matchRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '/index.html') return { page: 'home' };
  if (pathname === '/questions' || pathname === '/questions/') return { page: 'questions' };
  const room = ROOM_PATH.exec(pathname);
  if (room?.[1]) {
    let roomId: string;
    try {
      roomId = decodeURIComponent(room[1]);
    } catch {
      return { page: 'not-found' };
    }
    // Anything else cannot be a room; saying so beats a request the server refuses.
    if (!ROOM_ID_PATTERN.test(roomId)) return { page: 'not-found' };
    return room[2] ? { page: 'review', roomId } : { page: 'room', roomId };
  }
  return { page: 'not-found' };
}
