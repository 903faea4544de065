import { ROOM_ID_PATTERN } from '@interview/protocol';

export type Route = { page: 'home' } | { page: 'questions' } | { page: 'room'; roomId: string } | { page: 'not-found' };

/** Maps a page pathname to the page that renders it. */
export function matchRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '/index.html') return { page: 'home' };
  if (pathname === '/questions' || pathname === '/questions/') return { page: 'questions' };
  const room = /^\/r\/([^/]+)\/?$/.exec(pathname);
  if (room?.[1]) {
    let roomId: string;
    try {
      roomId = decodeURIComponent(room[1]);
    } catch {
      return { page: 'not-found' };
    }
    // Anything else cannot be a room; saying so beats a request the server refuses.
    return ROOM_ID_PATTERN.test(roomId) ? { page: 'room', roomId } : { page: 'not-found' };
  }
  return { page: 'not-found' };
}
