import type { RoomReview } from '@interview/protocol';
import { describe, expect, it } from 'vitest';
import { ApiRequestError } from '../api.js';
import { describeReviewLoadError, fetchRoomReview, isRoomReview } from './review-api.js';

type Call = { url: string; init: RequestInit };

function fakeFetch(status: number, body: unknown, calls: Call[] = []): typeof fetch {
  return async (input, init) => {
    calls.push({ url: String(input), init: init ?? {} });
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  };
}

const REVIEW: RoomReview = {
  roomId: 'abcdefghijklmnopqrstuv',
  title: 'T',
  createdAt: '2026-11-14T09:00:00.000Z',
  status: { ended: false, endedAt: null, endedBy: null },
  language: 'python',
  code: '',
  statement: '',
  notes: '',
  questionId: null,
  runs: [],
  signals: [],
  participants: [],
  generatedAt: '2026-11-14T10:00:00.000Z',
};

describe('fetchRoomReview', () => {
  it('asks for the review with the token as a bearer and returns it as sent', async () => {
    const calls: Call[] = [];
    const sent = { ...REVIEW, futureField: 1 };
    const review = await fetchRoomReview('a b', 's3cret', fakeFetch(200, sent, calls));
    expect(review).toEqual(sent);
    expect(calls[0]?.url).toBe('/api/rooms/a%20b/review');
    expect(new Headers(calls[0]?.init.headers).get('Authorization')).toBe('Bearer s3cret');
    expect(calls[0]?.init.cache).toBe('no-store');
  });

  it('turns refusals into ApiRequestErrors with the status', async () => {
    for (const status of [401, 403, 404, 500]) {
      const error = await fetchRoomReview('r', 't', fakeFetch(status, { error: `said ${status}` })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiRequestError);
      expect(error).toMatchObject({ status, message: `said ${status}` });
    }
    await expect(fetchRoomReview('r', 't', fakeFetch(502, '<html>bad gateway</html>'))).rejects.toMatchObject({ status: 502 });
  });

  it('reports an unreachable server as status 0', async () => {
    const failing: typeof fetch = () => Promise.reject(new TypeError('Failed to fetch'));
    await expect(fetchRoomReview('r', 't', failing)).rejects.toMatchObject({ status: 0 });
  });

  it('refuses a body it could not render', async () => {
    await expect(fetchRoomReview('r', 't', fakeFetch(200, { ...REVIEW, runs: null }))).rejects.toThrow('cannot read');
    await expect(fetchRoomReview('r', 't', fakeFetch(200, 'not json'))).rejects.toThrow('cannot read');
  });
});

describe('isRoomReview', () => {
  it('accepts a review and rejects broken ones', () => {
    const run = { runId: 'x', code: 'c', output: 'o', by: { name: 'A', role: 'candidate' } };
    expect(isRoomReview(REVIEW)).toBe(true);
    expect(isRoomReview({ ...REVIEW, runs: [run] })).toBe(true);
    for (const broken of [null, [], 'x', { ...REVIEW, title: 1 }, { ...REVIEW, status: null }, { ...REVIEW, signals: [1] }, { ...REVIEW, runs: [{ ...run, output: null }] }]) {
      expect(isRoomReview(broken)).toBe(false);
    }
  });
});

describe('describeReviewLoadError', () => {
  it('explains each refusal', () => {
    const error = (status: number) => describeReviewLoadError(new ApiRequestError(status, 'server says', 'load review'));
    expect(error(403)).toMatchObject({ title: 'Only interviewers can see the review', retry: false, roomLink: true });
    expect(error(401)).toMatchObject({ title: 'This link is not valid', retry: false, roomLink: false });
    expect(error(404)).toMatchObject({ title: 'Room not found', retry: false });
    expect(error(0)).toMatchObject({ title: 'The server cannot be reached', retry: true });
    expect(error(500)).toMatchObject({ detail: 'server says', retry: true });
    expect(describeReviewLoadError(new Error('x'))).toMatchObject({ retry: true });
  });
});
