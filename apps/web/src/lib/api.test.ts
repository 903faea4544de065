import { describe, expect, it } from 'vitest';
import {
  ApiRequestError,
  createRoom,
  deleteQuestion,
  describeRoomLoadError,
  fetchRoomInfo,
  fetchRuns,
  fetchSignals,
  getQuestion,
  listQuestions,
  saveQuestion,
  serverOutOfReach,
  setRoomStatus,
} from './api.js';

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

describe('getQuestion', () => {
  it('reads one question with the passcode', async () => {
    const calls: Call[] = [];
    await getQuestion('two-sum', 'p', fakeFetch(200, { id: 'two-sum', hints: 'H' }, calls));
    expect(`${calls[0]?.init.method} ${calls[0]?.url}`).toBe('GET /api/questions/two-sum');
    expect(new Headers(calls[0]?.init.headers).get('X-Interviewer-Passcode')).toBe('p');
  });
});

describe('room record calls', () => {
  const status = { ended: true, endedAt: '2026-03-01T10:00:00.000Z', endedBy: 'Grace' };

  it('ends and reopens with the interviewer token, as JSON', async () => {
    const calls: Call[] = [];
    await expect(setRoomStatus('room 1', 'secret', true, 'Grace', fakeFetch(200, status, calls))).resolves.toEqual(status);
    await setRoomStatus('room 1', 'secret', false, 'Grace', fakeFetch(200, { ended: false, endedAt: null, endedBy: null }, calls));
    expect(calls.map((c) => `${c.init.method} ${c.url} ${String(c.init.body)}`)).toEqual([
      'PUT /api/rooms/room%201/status {"ended":true,"name":"Grace"}',
      'PUT /api/rooms/room%201/status {"ended":false,"name":"Grace"}',
    ]);
    const headers = new Headers(calls[0]?.init.headers);
    expect(headers.get('Authorization')).toBe('Bearer secret');
    expect(headers.get('Content-Type')).toBe('application/json');
  });

  it('reads runs and signals with the interviewer token', async () => {
    const calls: Call[] = [];
    await expect(fetchRuns('r', 't', fakeFetch(200, { runs: [] }, calls))).resolves.toEqual([]);
    await expect(fetchSignals('r', 't', fakeFetch(200, { signals: [] }, calls))).resolves.toEqual([]);
    expect(calls.map((c) => `${c.init.method} ${c.url}`)).toEqual(['GET /api/rooms/r/runs', 'GET /api/rooms/r/signals']);
    for (const c of calls) expect(new Headers(c.init.headers).get('Authorization')).toBe('Bearer t');
  });

  it('refuses a list that is not one, and passes on a 403 for a candidate token', async () => {
    await expect(fetchRuns('r', 't', fakeFetch(200, { nope: 1 }))).rejects.toBeInstanceOf(ApiRequestError);
    await expect(fetchSignals('r', 't', fakeFetch(403, { error: 'interviewers only' }))).rejects.toMatchObject({ status: 403 });
  });
});

describe('describeRoomLoadError', () => {
  it('explains invalid links and missing rooms', () => {
    expect(describeRoomLoadError(new ApiRequestError(401, 'bad token', 'load room')).title).toBe('This link is not valid');
    expect(describeRoomLoadError(new ApiRequestError(404, 'no room', 'load room')).title).toBe('Room not found');
    expect(describeRoomLoadError(new ApiRequestError(500, 'boom', 'load room')).detail).toBe('boom');
  });
});

describe('serverOutOfReach', () => {
  it('is true when no server answered or a proxy says the server behind it is down', async () => {
    const unreachable: typeof fetch = async () => {
      throw new TypeError('Failed to fetch');
    };
    const error: unknown = await fetchRoomInfo('r', 't', unreachable).catch((caught: unknown) => caught);
    expect(serverOutOfReach(error)).toBe(true);
    expect(serverOutOfReach(new ApiRequestError(502, 'Bad Gateway', 'load room'))).toBe(true);
    expect(serverOutOfReach(new ApiRequestError(503, 'Service Unavailable', 'load room'))).toBe(true);
  });

  it('is false when the server answered about the room or the token', () => {
    expect(serverOutOfReach(new ApiRequestError(401, 'bad token', 'load room'))).toBe(false);
    expect(serverOutOfReach(new ApiRequestError(404, 'no room', 'load room'))).toBe(false);
    expect(serverOutOfReach(new ApiRequestError(500, 'boom', 'load room'))).toBe(false);
    expect(serverOutOfReach(new Error('something else'))).toBe(false);
  });
});
