import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOM_ID_PATTERN, type RoomInfo } from '@interview/protocol';
import { startServer, type ServerProcess } from '@interview/test-support';
import { createRoom } from './clients.js';

let server: ServerProcess;
let proxied: ServerProcess;

beforeAll(async () => {
  [server, proxied] = await Promise.all([startServer(), startServer({ env: { PUBLIC_URL: 'https://interviews.example.test/' } })]);
});

afterAll(async () => {
  await Promise.all([server.stop(), proxied.stop()]);
});

function post(base: string, body: string, contentType = 'application/json'): Promise<Response> {
  return fetch(`${base}/api/rooms`, { method: 'POST', headers: { 'content-type': contentType }, body });
}

describe('HTTP API', () => {
  it('answers the health check when storage is writable', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', instance: expect.any(String), storage: 'sqlite', bus: 'local' });
  });

  it('creates rooms with unguessable ids and two different page links carrying their tokens in the fragment', async () => {
    const room = await createRoom(server.url, { title: 'Backend pairing' });
    expect(room.roomId).toMatch(ROOM_ID_PATTERN);
    expect(room.roomId.length).toBeGreaterThanOrEqual(20);
    for (const link of [room.interviewerUrl, room.candidateUrl]) {
      const url = new URL(link);
      expect(url.origin).toBe(server.url.replace('127.0.0.1', url.hostname));
      expect(url.pathname).toBe(`/r/${room.roomId}`);
      expect(url.search).toBe('');
    }
    expect(room.interviewerToken).not.toBe(room.candidateToken);
    expect(room.interviewerToken.length).toBeGreaterThanOrEqual(20);
    const other = await createRoom(server.url);
    expect(other.roomId).not.toBe(room.roomId);
  });

  it('accepts an empty body', async () => {
    const response = await fetch(`${server.url}/api/rooms`, { method: 'POST' });
    expect(response.status).toBe(201);
  });

  it('builds links from PUBLIC_URL when it is set', async () => {
    const room = await createRoom(proxied.url);
    expect(room.interviewerUrl.startsWith(`https://interviews.example.test/r/${room.roomId}#token=`)).toBe(true);
    expect(room.candidateUrl.startsWith(`https://interviews.example.test/r/${room.roomId}#token=`)).toBe(true);
  });

  it('answers bad bodies with 400 and a clear error', async () => {
    const cases: Array<[string, RegExp]> = [
      ['{"title": 5}', /title must be a string/],
      ['{"title": "x", "language": "cobol"}', /language/],
      [JSON.stringify({ title: 'x'.repeat(500) }), /at most 120/],
      ['[1,2]', /JSON object/],
      ['{"title": ', /not valid JSON/],
    ];
    for (const [body, message] of cases) {
      const response = await post(server.url, body);
      expect(response.status, body).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(message);
    }
    const tooLarge = await post(server.url, JSON.stringify({ title: 'x'.repeat(64 * 1024) }));
    expect(tooLarge.status).toBe(413);
  });

  it('tells each token its role; only interviewers get the candidate link back', async () => {
    const room = await createRoom(server.url, { title: 'Roles' });
    const info = async (token: string | null) =>
      fetch(`${server.url}/api/rooms/${room.roomId}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

    const asInterviewer = (await (await info(room.interviewerToken)).json()) as RoomInfo;
    expect(asInterviewer).toMatchObject({ roomId: room.roomId, title: 'Roles', role: 'interviewer' });
    expect(asInterviewer.candidateUrl?.split('#')[1]).toBe(room.candidateUrl.split('#')[1]);

    const asCandidate = (await (await info(room.candidateToken)).json()) as RoomInfo;
    expect(asCandidate.role).toBe('candidate');
    expect(asCandidate.candidateUrl).toBeUndefined();

    expect((await info('nope')).status).toBe(401);
    expect((await info(null)).status).toBe(401);
    const unknown = await fetch(`${server.url}/api/rooms/${'B'.repeat(22)}`, { headers: { authorization: `Bearer ${room.interviewerToken}` } });
    expect(unknown.status).toBe(404);
  });

  it('sends isolation and privacy headers', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(response.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('serves the app for page routes with a strict CSP, and a 404 for anything else', async () => {
    const page = await fetch(`${server.url}/r/${'C'.repeat(22)}`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    const missingPage = await fetch(`${server.url}/no/such/page`, { headers: { accept: 'text/html' } });
    expect(missingPage.status).toBe(404);
    expect(missingPage.headers.get('content-type')).toMatch(/text\/html/);
    const missingApi = await fetch(`${server.url}/api/nothing`);
    expect(missingApi.status).toBe(404);
    expect(await missingApi.json()).toEqual({ error: 'no such API endpoint' });
  });

  it('never writes tokens to its logs', async () => {
    const room = await createRoom(server.url);
    await fetch(`${server.url}/api/rooms/${room.roomId}`, { headers: { authorization: `Bearer ${room.interviewerToken}` } });
    const logs = JSON.stringify(server.logs);
    expect(logs).toContain(room.roomId);
    expect(logs).not.toContain(room.interviewerToken);
    expect(logs).not.toContain(room.candidateToken);
  });
});
