import { reviewPagePath } from '@interview/protocol';
import { describe, expect, it } from 'vitest';
import { matchRoute } from './routes.js';

const ROOM_ID = 'abcdefghijklmnopqrstuv';

describe('matchRoute', () => {
  it('maps / to the home page', () => {
    expect(matchRoute('/')).toEqual({ page: 'home' });
  });

  it('maps /questions to the question bank', () => {
    expect(matchRoute('/questions')).toEqual({ page: 'questions' });
    expect(matchRoute('/questions/')).toEqual({ page: 'questions' });
    expect(matchRoute('/questions/x')).toEqual({ page: 'not-found' });
  });

  it('maps /r/<id> to the room page, with or without a trailing slash', () => {
    expect(matchRoute(`/r/${ROOM_ID}`)).toEqual({ page: 'room', roomId: ROOM_ID });
    expect(matchRoute(`/r/${ROOM_ID}/`)).toEqual({ page: 'room', roomId: ROOM_ID });
  });

  it('maps /r/<id>/review to the review page, with or without a trailing slash', () => {
    expect(matchRoute(`/r/${ROOM_ID}/review`)).toEqual({ page: 'review', roomId: ROOM_ID });
    expect(matchRoute(`/r/${ROOM_ID}/review/`)).toEqual({ page: 'review', roomId: ROOM_ID });
  });

  it('matches the path reviewPagePath builds, and nothing else under a room', () => {
    expect(matchRoute(reviewPagePath(ROOM_ID))).toEqual({ page: 'review', roomId: ROOM_ID });
    expect(matchRoute(`/r/${ROOM_ID}/reviews`)).toEqual({ page: 'not-found' });
    expect(matchRoute(`/r/${ROOM_ID}/review/x`)).toEqual({ page: 'not-found' });
    expect(matchRoute(`/r/${ROOM_ID}//review`)).toEqual({ page: 'not-found' });
    expect(matchRoute('/r/short/review')).toEqual({ page: 'not-found' });
    expect(matchRoute('/r/%E0%A4%A/review')).toEqual({ page: 'not-found' });
  });

  it('refuses room ids the server could never have issued', () => {
    expect(matchRoute('/r/short')).toEqual({ page: 'not-found' });
    expect(matchRoute('/r/%E0%A4%A')).toEqual({ page: 'not-found' });
    expect(matchRoute(`/r/${ROOM_ID}/extra`)).toEqual({ page: 'not-found' });
  });

  it('sends anything else to not-found', () => {
    expect(matchRoute('/rooms')).toEqual({ page: 'not-found' });
  });
});
