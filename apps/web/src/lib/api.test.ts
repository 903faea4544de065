import { describe, expect, it } from 'vitest';
import { ApiRequestError, createRoom, deleteQuestion, describeRoomLoadError, fetchRoomInfo, listQuestions, saveQuestion } from './api.js';

type Call = { url: string; init: RequestInit };

function fakeFetch(status: number, body: unknown, calls: Call[] = []): typeof fetch {
  return async (input, init) => {
    calls.push({ url: String(input), init: init ?? {} });
    return new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: { 'Content-Type': 'application/json' },
    });
  };
}

describe('createRoom', () => {
  it('posts JSON and returns the links', async () => {
    const calls: Call[] = [];
    const links = { roomId: 'r', interviewerUrl: 'http://x/r/r#token=a', candidateUrl: 'http://x/r/r#token=b' };
    await expect(createRoom({ title: 'T', language: 'python' }, null, fakeFetch(201, links, calls))).resolves.toEqual(links);
    expect(calls[0]?.url).toBe('/api/rooms');
    expect(calls[0]?.init.method).toBe('POST');
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual({ title: 'T', language: 'python' });
  });

  it('sends the interviewer passcode in its header when there is one', async () => {
    const calls: Call[] = [];
    const links = { roomId: 'r', interviewerUrl: 'a', candidateUrl: 'b' };
    await createRoom({}, 'pass word', fakeFetch(201, links, calls));
    await createRoom({}, null, fakeFetch(201, links, calls));
    expect(new Headers(calls[0]?.init.headers).get('X-Interviewer-Passcode')).toBe('pass word');
    expect(new Headers(calls[1]?.init.headers).has('X-Interviewer-Passcode')).toBe(false);
  });

  it("turns a 4xx into an ApiRequestError with the server's message", async () => {
    const error = await createRoom({}, null, fakeFetch(400, { error: 'title is too long' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiRequestError);
    expect(error).toMatchObject({ status: 400, message: 'title is too long' });
  });

  it('reports an unreachable server as status 0', async () => {
    const failing: typeof fetch = () => Promise.reject(new TypeError('Failed to fetch'));
    await expect(createRoom({}, null, failing)).rejects.toMatchObject({ status: 0 });
  });
});

describe('question bank calls', () => {
  it('list, create, update and delete with the passcode; a 204 resolves without a body', async () => {
    const calls: Call[] = [];
    const input = { title: 'T', statement: 'S', starterCode: {} };
    await expect(listQuestions('p', fakeFetch(200, { questions: [] }, calls))).resolves.toEqual([]);
    await saveQuestion(null, input, 'p', fakeFetch(201, { id: 'q' }, calls));
    await saveQuestion('a b', input, 'p', fakeFetch(200, { id: 'a b' }, calls));
    await expect(deleteQuestion('q', 'p', fakeFetch(204, undefined, calls))).resolves.toBeUndefined();
    expect(calls.map((c) => `${c.init.method} ${c.url}`)).toEqual([
      'GET /api/questions',
      'POST /api/questions',
      'PUT /api/questions/a%20b',
      'DELETE /api/questions/q',
    ]);
    for (const c of calls) expect(new Headers(c.init.headers).get('X-Interviewer-Passcode')).toBe('p');
    expect(JSON.parse(String(calls[1]?.init.body))).toEqual(input);
  });

  it('reports a 401 with the server’s message', async () => {
    await expect(listQuestions(null, fakeFetch(401, { error: 'this server requires the interviewer passcode' }))).rejects.toMatchObject({
      status: 401,
      message: 'this server requires the interviewer passcode',
    });
  });
});

describe('fetchRoomInfo', () => {
  it('sends the token as a bearer header, never in the URL', async () => {
    const calls: Call[] = [];
    const info = { roomId: 'room', title: 'T', role: 'candidate', createdAt: '2024-01-01T00:00:00Z' };
    await fetchRoomInfo('room', 'secret', fakeFetch(200, info, calls));
    expect(calls[0]?.url).toBe('/api/rooms/room');
    expect(new Headers(calls[0]?.init.headers).get('Authorization')).toBe('Bearer secret');
  });
});

describe('describeRoomLoadError', () => {
  it('explains invalid links and missing rooms', () => {
    expect(describeRoomLoadError(new ApiRequestError(401, 'bad token', 'load room')).title).toBe('This link is not valid');
    expect(describeRoomLoadError(new ApiRequestError(404, 'no room', 'load room')).title).toBe('Room not found');
    expect(describeRoomLoadError(new ApiRequestError(500, 'boom', 'load room')).detail).toBe('boom');
  });
});
