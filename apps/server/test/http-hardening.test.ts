import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentChannel, type ClientConfig } from '@interview/protocol';
import { startServer, waitFor, type ServerProcess } from '@interview/test-support';
import { connectRaw, connectStockClient, createRoom } from './clients.js';

let server: ServerProcess;

beforeAll(async () => {
  // Debug level: the request log and every relay event are written, so the
  // token test below sees the most the server ever logs.
  server = await startServer({ env: { LOG_LEVEL: 'debug' } });
});

afterAll(async () => {
  await server.stop();
});

const SECURITY_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

function expectSecurityHeaders(response: Response, what: string): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(response.headers.get(name), `${name} of ${what}`).toBe(value);
  expect(response.headers.get('x-powered-by'), what).toBeNull();
}

/** The directives of a Content-Security-Policy header, by name. */
function directives(csp: string | null): Map<string, string[]> {
  const parsed = new Map<string, string[]>();
  for (const part of (csp ?? '').split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) parsed.set(name, sources);
  }
  return parsed;
}

function send(method: string, path: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, body });
}

async function errorOf(response: Response): Promise<string> {
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return ((await response.json()) as { error: string }).error;
}

describe('security headers', () => {
  it('gives an app page a CSP that allows only its own scripts, frames and workers', async () => {
    const page = await fetch(`${server.url}/`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expectSecurityHeaders(page, 'the app page');
    const csp = directives(page.headers.get('content-security-policy'));
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('frame-src')).toEqual(["'self'"]);
    expect(csp.get('worker-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    // No inline script, no eval: the page compiles no WebAssembly itself.
    for (const sources of csp.values()) {
      expect(sources).not.toContain("'unsafe-eval'");
      expect(sources).not.toContain("'wasm-unsafe-eval'");
    }
    expect(csp.get('script-src')).not.toContain("'unsafe-inline'");
  });

  it('gives the service worker the page’s policy, so it may fetch the app’s files', async () => {
    const page = await fetch(`${server.url}/`);
    const worker = await fetch(`${server.url}/sw.js`);
    expect(worker.status).toBe(200);
    expect(worker.headers.get('content-type')).toMatch(/javascript/);
    expectSecurityHeaders(worker, '/sw.js');
    expect(worker.headers.get('content-security-policy')).toBe(page.headers.get('content-security-policy'));
  });

  it('locks down API answers, errors and static assets with a policy that allows nothing', async () => {
    const html = await (await fetch(`${server.url}/`)).text();
    const script = /<script[^>]+src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script, 'the page loads a hashed script').toBeDefined();
    const responses: Array<[string, Response]> = [
      ['API JSON', await fetch(`${server.url}/api/config`)],
      ['health check', await fetch(`${server.url}/healthz`)],
      ['API 404', await fetch(`${server.url}/api/nothing`)],
      ['API 400', await send('POST', '/api/rooms', '{')],
      ['hashed asset', await fetch(`${server.url}${script}`)],
      ['public file', await fetch(`${server.url}/favicon.svg`)],
    ];
    for (const [what, response] of responses) {
      expect(response.status, what).not.toBe(500);
      expectSecurityHeaders(response, what);
      const csp = directives(response.headers.get('content-security-policy'));
      expect(csp.get('default-src'), what).toEqual(["'none'"]);
      expect(csp.get('frame-ancestors'), what).toEqual(["'none'"]);
    }
  });

  it('serves each runner sandbox with its own policy, and the Python runtime with the right types', async () => {
    for (const runner of ['python', 'javascript']) {
      const sandbox = await fetch(`${server.url}/runner/${runner}.html`);
      expect(sandbox.status, runner).toBe(200);
      expectSecurityHeaders(sandbox, `the ${runner} sandbox`);
      const csp = directives(sandbox.headers.get('content-security-policy'));
      expect(csp.get('default-src'), runner).toEqual(["'none'"]);
      // Framed by the app's page only.
      expect(csp.get('frame-ancestors'), runner).toEqual(["'self'"]);
    }
    // Pyodide compiles its WebAssembly inside the Python sandbox, which is where the policy allows it.
    const python = directives((await fetch(`${server.url}/runner/python.html`)).headers.get('content-security-policy'));
    expect(python.get('script-src')).toContain("'wasm-unsafe-eval'");

    const { pyodideBaseUrl } = (await (await fetch(`${server.url}/api/config`)).json()) as ClientConfig;
    const wasm = await fetch(`${server.url}${pyodideBaseUrl}pyodide.asm.wasm`, { method: 'HEAD' });
    expect(wasm.status).toBe(200);
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    expectSecurityHeaders(wasm, 'the Pyodide runtime');
    const notRuntime = await fetch(`${server.url}${pyodideBaseUrl}package.json`);
    expect(notRuntime.status).toBe(404);
    expectSecurityHeaders(notRuntime, 'a Pyodide 404');
  });
});

describe('JSON bodies', () => {
  it('answers malformed JSON with a JSON 400, never express’s HTML page', async () => {
    for (const body of ['{', '{"title": "x",}', "{'title': 'x'}", '"just a string"', 'null', '42']) {
      const response = await send('POST', '/api/rooms', body);
      expect(response.status, body).toBe(400);
      expect(await errorOf(response), body).toMatch(/not valid JSON/);
    }
  });

  it('names the field that is missing or wrong', async () => {
    const room = await createRoom(server.url);
    const cases: Array<[string, string, unknown, RegExp]> = [
      ['POST', '/api/rooms', { title: 5 }, /^title must be a string/],
      ['POST', '/api/rooms', { language: 'cobol' }, /^language must be/],
      ['POST', '/api/rooms', { questionId: 7 }, /^questionId must be/],
      ['POST', '/api/rooms', { questionId: 'no-such-question' }, /^questionId: no question/],
      ['POST', '/api/rooms', [], /JSON object/],
      ['POST', '/api/questions', {}, /^title is required/],
      ['POST', '/api/questions', { title: 'T' }, /^statement is required/],
      ['POST', '/api/questions', { title: 'T', statement: 'S', hints: 3 }, /^hints must be a string/],
      ['POST', '/api/questions', { title: 'T', statement: 'S', starterCode: { cobol: '' } }, /^starterCode has an unknown language/],
      ['PUT', `/api/rooms/${room.roomId}/status`, {}, /^ended must be/],
      ['PUT', `/api/rooms/${room.roomId}/status`, { ended: 'yes' }, /^ended must be/],
      ['PUT', `/api/rooms/${room.roomId}/status`, { ended: true, name: 5 }, /^name must be a string/],
    ];
    for (const [method, path, body, message] of cases) {
      const response = await send(method, path, JSON.stringify(body), { authorization: `Bearer ${room.interviewerToken}` });
      expect(response.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      expect(await errorOf(response)).toMatch(message);
    }
  });

  it('refuses a body that is not declared as JSON with 415 instead of ignoring it', async () => {
    const response = await send('POST', '/api/rooms', '{"title": 5}', { 'content-type': 'text/plain' });
    expect(response.status).toBe(415);
    expect(await errorOf(response)).toMatch(/application\/json/);
    const form = await send('POST', '/api/questions', 'title=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
    // No body at all still means "the defaults".
    expect((await fetch(`${server.url}/api/rooms`, { method: 'POST' })).status).toBe(201);
  });

  it('answers an oversized body with a JSON 413 naming the limit', async () => {
    const room = await send('POST', '/api/rooms', JSON.stringify({ title: 'x'.repeat(20 * 1024) }));
    expect(room.status).toBe(413);
    expect(await errorOf(room)).toMatch(/too large.*16 KiB/);
    const question = await send('POST', '/api/questions', JSON.stringify({ title: 'T', statement: 'x'.repeat(300 * 1024) }));
    expect(question.status).toBe(413);
    expect(await errorOf(question)).toMatch(/256 KiB/);
  });

  it('answers a malformed path with a JSON 400, not a server error', async () => {
    const response = await fetch(`${server.url}/api/questions/%E0%A4%A`);
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatch(/malformed/);
  });
});

describe('structured logs', () => {
  it('writes one JSON event per line with room and connection ids, and never a token, its hash or the code', async () => {
    const room = await createRoom(server.url, { title: 'Log audit' });
    const { roomId, interviewerToken, candidateToken } = room;
    const code = `print("typed-${Math.random().toString(36).slice(2)}")`;
    const wrong = `${interviewerToken.slice(0, -2)}zz`;

    const interviewer = connectStockClient(server.url, roomId, interviewerToken, 'Ada');
    const candidate = connectStockClient(server.url, roomId, candidateToken, 'Grace');
    const notes = connectStockClient(server.url, roomId, interviewerToken, 'Ada', DocumentChannel.notes);
    await Promise.all([interviewer.synced(), candidate.synced(), notes.synced()]);
    candidate.text.insert(0, code);
    notes.text.insert(0, `notes: ${code}`);
    await waitFor(() => interviewer.text.toString().startsWith(code), { what: 'the code to reach the interviewer' });

    // Refused sockets: a wrong token, and a candidate asking for the notes.
    const refused = [connectRaw(server.url, roomId, wrong), connectRaw(server.url, roomId, candidateToken, 'Grace', DocumentChannel.notes)];
    await Promise.all(refused.map((client) => client.closed));

    // Every HTTP route that takes a token, with right and wrong ones, in the header and in a query string.
    for (const token of [interviewerToken, candidateToken, wrong]) {
      const authorization = { authorization: `Bearer ${token}` };
      for (const path of ['', '/runs', '/signals', '/review']) {
        await fetch(`${server.url}/api/rooms/${roomId}${path}?token=${encodeURIComponent(token)}`, { headers: authorization });
      }
      await send('PUT', `/api/rooms/${roomId}/status?token=${encodeURIComponent(token)}`, JSON.stringify({ ended: false }), authorization);
      await send('PUT', `/api/rooms/${roomId}/status`, `{"ended": "${token}"`, authorization);
    }
    await fetch(`${server.url}/r/${roomId}?token=${encodeURIComponent(candidateToken)}`, { headers: { accept: 'text/html' } });

    interviewer.destroy();
    candidate.destroy();
    notes.destroy();
    await waitFor(() => server.logs.filter((line) => line.event === 'participant-left').length >= 3, { what: 'the leaves to be logged' });

    const secrets: string[] = [code, 'typed-'];
    for (const token of [interviewerToken, candidateToken, wrong]) {
      const digest = createHash('sha256').update(token).digest();
      secrets.push(token, digest.toString('hex'), digest.toString('base64'), digest.toString('base64url'));
    }
    for (const line of server.logs) {
      // Lines that did not parse as JSON are kept as { message }: there must be none.
      expect(line, JSON.stringify(line)).toMatchObject({ time: expect.any(String), level: expect.any(String), event: expect.any(String) });
      const text = JSON.stringify(line);
      for (const secret of secrets) expect(text.includes(secret), `${text} contains a secret`).toBe(false);
    }

    // The events of this room name it and, for sockets, the connection.
    const ours = server.logs.filter((line) => line.roomId === roomId);
    expect(ours.map((line) => line.event)).toEqual(expect.arrayContaining(['room-created', 'participant-joined', 'participant-left']));
    for (const line of ours.filter((entry) => String(entry.event).startsWith('participant-'))) {
      expect(line.connectionId, JSON.stringify(line)).toEqual(expect.any(String));
    }
    // The request log saw the token-bearing requests, by path alone.
    const requests = server.logs.filter((line) => line.event === 'http-request' && String(line.path).includes(roomId));
    expect(requests.length).toBeGreaterThan(10);
  });
});
