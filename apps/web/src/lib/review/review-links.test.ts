import { describe, expect, it } from 'vitest';
import { tokenFromHash } from '../room-link.js';
import { matchRoute } from '../routes.js';
import { absoluteRoomLink, roomHref } from './review-links.js';

const ROOM_ID = 'abcdefghijklmnopqrstuv';

describe('roomHref', () => {
  it('puts the token in the fragment, encoded, on the path the router maps to the room', () => {
    const token = 'a+b/c=d&e';
    const url = new URL(roomHref(ROOM_ID, token), 'https://interview.example.com');
    expect(url.search).toBe('');
    expect(tokenFromHash(url.hash)).toBe(token);
    expect(matchRoute(url.pathname)).toEqual({ page: 'room', roomId: ROOM_ID });
  });
});

describe('absoluteRoomLink', () => {
  it('is the room link on the given origin', () => {
    expect(absoluteRoomLink('http://127.0.0.1:3000', ROOM_ID, 'x y')).toBe(`http://127.0.0.1:3000/r/${ROOM_ID}#token=x%20y`);
  });
});
