import { afterEach, describe, expect, it } from 'vitest';
import {
  CloseCode,
  decodeRoomEvent,
  encodeRoomEvent,
  MessageType,
  PASSCODE_HEADER,
  type RoomEvent,
  type RoomInfo,
  type RoomReview,
  type RoomStatus,
  type RunList,
  type SignalList,
} from '@interview/protocol';
import { makeTempDir, removeDir, startServer, waitFor, type ServerProcess } from '@interview/test-support';
import { connectRaw, connectStockClient, createRoom, eventsOf, type RawClient, type StockClient } from './clients.js';

/**
 * The interviewer's workspace against the built server, with stock
 * y-websocket clients and bare sockets: ending the interview, the run
 * history, the candidate's signals and the review, and what never reaches
 * a candidate's socket.
 */

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(env: Record<string, string> = {}): Promise<ServerProcess> {
  const dataDir = makeTempDir();
  const started = await startServer({ dataDir, env: { LOG_LEVEL: 'debug', ...env } });
  cleanups.push(() => removeDir(dataDir));
  cleanups.push(() => started.kill());
  return started;
}

function stock(...args: Parameters<typeof connectStockClient>): StockClient {
  const client = connectStockClient(...args);
  cleanups.push(() => client.destroy());
  return client;
}

function raw(...args: Parameters<typeof connectRaw>): RawClient {
  const client = connectRaw(...args);
  cleanups.push(() => client.socket.close());
  return client;
}

function names(client: StockClient): string[] {
  return [...client.provider.awareness.getStates().values()].map((s) => (s.user as { name?: string } | undefined)?.name ?? '');
}

function api(base: string, method: string, path: string, token: string | null, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  return fetch(`${base}${path}`, { method, headers, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) });
}

async function json<T>(response: Response, status = 200): Promise<T> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return JSON.parse(text) as T;
}

describe('ending the interview', () => {
  it('drops a stock candidate client’s writes once an interviewer ended the room, stores the interviewer’s, and restores the candidate on reopening', async () => {
    const relay = await server();
    const room = await createRoom(relay.url);
    const ada = stock(relay.url, room.roomId, room.interviewerToken, 'Ada');
    const cleo = stock(relay.url, room.roomId, room.candidateToken, 'Cleo');
    await Promise.all([ada.synced(), cleo.synced()]);
    const candidateWatch = raw(relay.url, room.roomId, room.candidateToken, 'Watcher');
    await candidateWatch.opened;

    const ended = await json<RoomStatus>(await api(relay.url, 'PUT', `/api/rooms/${room.roomId}/status`, room.interviewerToken, { ended: true, name: 'Ada' }));
    expect(ended).toEqual({ ended: true, endedAt: expect.any(String), endedBy: 'Ada' });
    expect(Date.parse(ended.endedAt!)).not.toBeNaN();
    await waitFor(() => eventsOf(candidateWatch.received).some((e) => e.type === 'room-status'), { what: 'the candidate socket to hear of the end' });
    expect(eventsOf(candidateWatch.received)).toEqual([{ type: 'room-status', payload: ended }]);
    for (const token of [room.interviewerToken, room.candidateToken]) {
      const info = await json<RoomInfo>(await api(relay.url, 'GET', `/api/rooms/${room.roomId}`, token));
      expect(info.status).toEqual(ended);
    }
    // Ending again changes nothing: the first end keeps its time and author.
    const again = await json<RoomStatus>(await api(relay.url, 'PUT', `/api/rooms/${room.roomId}/status`, room.interviewerToken, { ended: true, name: 'Bo' }));
    expect(again).toEqual(ended);

    cleo.text.insert(0, '# CANDIDATE AFTER END\n');
    cleo.doc.getMap('meta').set('language', 'javascript');
    // Presence sent after the edit on the same socket: once Ada has it, the edit was handled.
    cleo.provider.awareness.setLocalStateField('user', { name: 'Cleo after the end' });
    await waitFor(() => names(ada).includes('Cleo after the end'), { what: 'the candidate’s presence at the interviewer' });
    ada.text.insert(ada.text.length, '# INTERVIEWER AFTER END\n');
    await waitFor(() => cleo.text.toString().includes('# INTERVIEWER AFTER END'), { what: 'the candidate to get the interviewer’s edit' });
    expect(ada.text.toString()).not.toContain('CANDIDATE AFTER END');
    expect(cleo.closes).toEqual([]);
    expect(cleo.provider.wsconnected).toBe(true);
    expect(relay.logs.some((l) => l.event === 'update-dropped' && l.role === 'candidate' && l.reason === 'interview-ended')).toBe(true);

    const review = await json<RoomReview>(await api(relay.url, 'GET', `/api/rooms/${room.roomId}/review`, room.interviewerToken));
    expect(review.code).toContain('# INTERVIEWER AFTER END');
    expect(review.code).not.toContain('CANDIDATE AFTER END');
    expect(review.language).toBe('python');
    expect(review.status).toEqual(ended);
    const fresh = stock(relay.url, room.roomId, room.interviewerToken, 'Fresh');
    await fresh.synced();
    expect(fresh.text.toString()).toBe(review.code);

    const reopened = await json<RoomStatus>(await api(relay.url, 'PUT', `/api/rooms/${room.roomId}/status`, room.interviewerToken, { ended: false }));
    expect(reopened).toEqual({ ended: false, endedAt: null, endedBy: null });
    await waitFor(() => eventsOf(candidateWatch.received).length === 2, { what: 'the reopening at the candidate socket' });
    cleo.text.insert(cleo.text.length, '# CANDIDATE AFTER REOPENING\n');
    await waitFor(() => ada.text.toString().includes('# CANDIDATE AFTER REOPENING'), { what: 'the candidate’s edit after reopening' });
    const after = await json<RoomReview>(await api(relay.url, 'GET', `/api/rooms/${room.roomId}/review`, room.interviewerToken));
    expect(after.code).toContain('# CANDIDATE AFTER REOPENING');
    expect(after.status.ended).toBe(false);
  });

  it('refuses a candidate’s run while ended with an error result to that candidate alone; a joiner hears of the end on join', async () => {
    const relay = await server();
    const room = await createRoom(relay.url);
    const interviewer = raw(relay.url, room.roomId, room.interviewerToken, 'Ada');
    await interviewer.opened;
    await json<RoomStatus>(await api(relay.url, 'PUT', `/api/rooms/${room.roomId}/status`, room.interviewerToken, { ended: true }));

    const candidate = raw(relay.url, room.roomId, room.candidateToken, 'Cleo');
    await candidate.opened;
    await waitFor(() => eventsOf(candidate.received).length === 1, { what: 'the status on join' });
    expect(eventsOf(candidate.received)[0]).toMatchObject({ type: 'room-status', payload: { ended: true, endedBy: 'Interviewer' } });

    candidate.socket.send(encodeRoomEvent({ type: 'execute-code', payload: { runId: 'late', language: 'python', code: 'print("LATE RUN")' } }));
    await waitFor(() => eventsOf(candidate.received).length === 2, { what: 'the refusal' });
    expect(eventsOf(candidate.received)[1]).toEqual({
      type: 'execution-result',
      payload: { runId: 'late', output: '', error: 'The interview has ended: runs are closed.', status: 'error' },
    });
    // The stop that follows is relayed: once the interviewer has it, the run would have been too.
    candidate.socket.send(encodeRoomEvent({ type: 'stop-execution', payload: { runId: 'late' } }));
    await waitFor(() => eventsOf(interviewer.received).some((e) => e.type === 'stop-execution'), { what: 'the stop at the interviewer' });
    expect(eventsOf(interviewer.received).map((e) => e.type)).toEqual(['room-status', 'stop-execution']);
    expect(Buffer.concat(interviewer.received).includes('LATE RUN')).toBe(false);
    const runs = await json<RunList>(await api(relay.url, 'GET', `/api/rooms/${room.roomId}/runs`, room.interviewerToken));
    expect(runs).toEqual({ runs: [] });

    // The status is the server's to send.
    candidate.socket.send(encodeRoomEvent({ type: 'room-status', payload: { ended: false, endedAt: null, endedBy: null } }));
    const closed = await candidate.closed;
    expect(closed).toEqual({ code: CloseCode.BadMessage, reason: 'room-status events are sent by the server only' });
  });

  it('answers the status endpoint’s refusals: 401, 403, 404 and 400 with a clear message', async () => {
    const relay = await server();
    const room = await createRoom(relay.url);
    const path = `/api/rooms/${room.roomId}/status`;
    expect((await api(relay.url, 'PUT', path, null, { ended: true })).status).toBe(401);
    expect((await api(relay.url, 'PUT', path, 'not-a-token', { ended: true })).status).toBe(401);
    const forbidden = await api(relay.url, 'PUT', path, room.candidateToken, { ended: true });
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as { error: string }).error).toMatch(/interviewer/);
    expect((await api(relay.url, 'PUT', `/api/rooms/${'D'.repeat(22)}/status`, room.interviewerToken, { ended: true })).status).toBe(404);
    const cases: Array<[unknown, RegExp]> = [
      [{}, /ended must be true .* or false/],
      [{ ended: 'yes' }, /ended must be true .* or false/],
      [{ ended: 1 }, /ended must be true .* or false/],
      [[true], /body must be a JSON object/],
      ['"ended"', /not valid JSON/],
      [{ ended: true, name: 42 }, /name must be a string/],
      ['{"ended": tru', /not valid JSON/],
    ];
    for (const [body, message] of cases) {
      const response = await api(relay.url, 'PUT', path, room.interviewerToken, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(message);
    }
    const info = await json<RoomInfo>(await api(relay.url, 'GET', `/api/rooms/${room.roomId}`, room.candidateToken));
    expect(info.status).toEqual({ ended: false, endedAt: null, endedBy: null });
  });
});

describe('what a candidate’s socket receives', () => {
  it('wire capture: no signal, no note, no hint and no interviewer secret in any frame a candidate receives; the review has it all', async () => {
    const relay = await server();
    const room = await createRoom(relay.url, { title: 'Capture', questionId: 'two-sum' });
    // Everything a candidate's sockets receive, byte for byte, from before anything happens.
    const capture = raw(relay.url, room.roomId, room.candidateToken, 'Cleo');
    const captureStatement = raw(relay.url, room.roomId, room.candidateToken, 'Cleo', 'statement');
    const otherCandidate = raw(relay.url, room.roomId, room.candidateToken, 'Second candidate');
    const interviewerMain = raw(relay.url, room.roomId, room.interviewerToken, 'Ada');
    await Promise.all([capture.opened, captureStatement.opened, otherCandidate.opened, interviewerMain.opened]);

    // The interviewers write notes.
    const notes = stock(relay.url, room.roomId, room.interviewerToken, 'Ada', 'notes');
    const notesReader = stock(relay.url, room.roomId, room.interviewerToken, 'Bo', 'notes');
    await Promise.all([notes.synced(), notesReader.synced()]);
    const secretNote = 'PRIVATE-NOTE-7f3a: rushed the edge cases';
    notes.text.insert(0, secretNote);
    await waitFor(() => notesReader.text.toString() === secretNote, { what: 'the notes at the other interviewer' });

    // The candidate pastes, leaves the tab and comes back; the other candidate too.
    const signal = (payload: Record<string, unknown>) => encodeRoomEvent({ type: 'signal', payload } as RoomEvent);
    capture.socket.send(signal({ kind: 'paste', chars: 640, lines: 24 }));
    capture.socket.send(signal({ kind: 'focus-lost' }));
    otherCandidate.socket.send(signal({ kind: 'focus-lost' }));
    capture.socket.send(signal({ kind: 'focus-returned' }));

    // The candidate runs code; then the interviewer does.
    const send = (client: RawClient, event: RoomEvent) => client.socket.send(encodeRoomEvent(event));
    send(capture, { type: 'execute-code', payload: { runId: 'cleo-1', language: 'python', code: 'print(sum([1, 2]))' } });
    send(capture, { type: 'execution-output', payload: { runId: 'cleo-1', stream: 'stdout', text: '3\n' } });
    send(capture, { type: 'execution-result', payload: { runId: 'cleo-1', output: '3\n', error: null, status: 'ok', durationMs: 4 } });
    send(interviewerMain, { type: 'execute-code', payload: { runId: 'ada-1', language: 'python', code: 'raise ValueError("boom")' } });
    send(interviewerMain, { type: 'execution-result', payload: { runId: 'ada-1', output: '', error: 'ValueError: boom', status: 'error', errorLine: 1 } });

    // Positive control: the interviewer's socket does get the signals, stamped by the relay.
    await waitFor(() => eventsOf(interviewerMain.received).filter((e) => e.type === 'signal').length === 4, { what: 'four signals at the interviewer' });
    const signals = eventsOf(interviewerMain.received).flatMap((e) => (e.type === 'signal' ? [e.payload] : []));
    // Each socket's in order; the two sockets' interleaving is the network's.
    expect(signals.filter((s) => s.by?.name === 'Cleo').map((s) => s.kind)).toEqual(['paste', 'focus-lost', 'focus-returned']);
    expect(signals.filter((s) => s.by?.name === 'Second candidate').map((s) => s.kind)).toEqual(['focus-lost']);
    expect(typeof signals.find((s) => s.kind === 'focus-returned')?.awayMs).toBe('number');
    for (const s of signals) expect(Date.parse(s.at ?? '')).not.toBeNaN();

    // A marker on each captured channel, sent last: once it arrives, anything relayed earlier would have too.
    const adaCode = stock(relay.url, room.roomId, room.interviewerToken, 'Ada', 'main');
    const adaStatement = stock(relay.url, room.roomId, room.interviewerToken, 'Ada', 'statement');
    await Promise.all([adaCode.synced(), adaStatement.synced()]);
    adaCode.text.insert(0, '# MARKER-MAIN\n');
    adaStatement.text.insert(0, 'MARKER-STATEMENT ');
    for (const [client, marker] of [
      [capture, 'MARKER-MAIN'],
      [otherCandidate, 'MARKER-MAIN'],
      [captureStatement, 'MARKER-STATEMENT'],
    ] as const) {
      await waitFor(() => Buffer.concat(client.received).includes(marker), { what: `${marker} at a candidate socket` });
    }

    const hint = 'one pass with a hash map';
    for (const client of [capture, captureStatement, otherCandidate]) {
      for (const frame of client.received) {
        if (frame[0] === MessageType.RoomEvent) {
          const decoded = decodeRoomEvent(frame);
          expect(decoded.ok).toBe(true);
          expect(decoded.ok && decoded.value.type).not.toBe('signal');
        }
      }
      const bytes = Buffer.concat(client.received);
      expect(bytes.length).toBeGreaterThan(0);
      for (const needle of [secretNote, 'PRIVATE-NOTE', hint, '"signal"', 'awayMs', 'focus-lost', room.interviewerToken, room.candidateToken]) {
        expect(bytes.includes(needle), needle).toBe(false);
        expect(bytes.includes(Buffer.from(needle, 'utf16le')), needle).toBe(false);
      }
    }
    // The candidate does see the runs: they are shared.
    expect(eventsOf(otherCandidate.received).map((e) => e.type)).toEqual(
      expect.arrayContaining(['execute-code', 'execution-output', 'execution-result']),
    );

    // The interviewer's endpoints have what happened; the candidate's token opens none of them.
    const runs = await json<RunList>(await api(relay.url, 'GET', `/api/rooms/${room.roomId}/runs`, room.interviewerToken));
    expect(runs.runs.map((r) => [r.runId, r.by.name, r.by.role, r.status, r.output, r.error])).toEqual([
      ['cleo-1', 'Cleo', 'candidate', 'ok', '3\n', null],
      ['ada-1', 'Ada', 'interviewer', 'error', '', 'ValueError: boom'],
    ]);
    expect(runs.runs[0]).toMatchObject({ code: 'print(sum([1, 2]))', language: 'python', durationMs: 4 });
    const listed = await json<SignalList>(await api(relay.url, 'GET', `/api/rooms/${room.roomId}/signals`, room.interviewerToken));
    // Stored in the order relayed, with the same stamps.
    expect(listed.signals.map((s) => [s.kind, s.by.name, s.at])).toEqual(signals.map((s) => [s.kind, s.by?.name, s.at]));
    expect(listed.signals.find((s) => s.kind === 'paste')).toEqual({
      kind: 'paste',
      chars: 640,
      lines: 24,
      by: { name: 'Cleo', role: 'candidate' },
      at: signals.find((s) => s.kind === 'paste')?.at,
    });

    const review = await json<RoomReview>(await api(relay.url, 'GET', `/api/rooms/${room.roomId}/review`, room.interviewerToken));
    expect(review).toMatchObject({ roomId: room.roomId, title: 'Capture', questionId: 'two-sum', notes: secretNote, language: 'python' });
    expect(review.statement).toMatch(/^MARKER-STATEMENT # Two sum/);
    expect(review.code.startsWith('# MARKER-MAIN\n')).toBe(true);
    expect(review.runs).toEqual(runs.runs);
    expect(review.signals).toEqual(listed.signals);
    expect(review.participants.map((p) => [p.name, p.role])).toEqual(
      expect.arrayContaining([
        ['Cleo', 'candidate'],
        ['Second candidate', 'candidate'],
        ['Ada', 'interviewer'],
      ]),
    );
    expect(review.participants.every((p) => p.leftAt === null)).toBe(true);
    expect(JSON.stringify(review)).not.toContain(hint);

    for (const path of ['runs', 'signals', 'review']) {
      const refused = await api(relay.url, 'GET', `/api/rooms/${room.roomId}/${path}`, room.candidateToken);
      expect(refused.status, path).toBe(403);
      expect(await refused.text()).not.toMatch(/PRIVATE-NOTE|Cleo/);
      expect((await api(relay.url, 'GET', `/api/rooms/${room.roomId}/${path}`, 'wrong')).status).toBe(401);
    }

    // Leaving is recorded.
    capture.socket.close();
    await waitFor(
      async () => {
        const later = await json<RoomReview>(await api(relay.url, 'GET', `/api/rooms/${room.roomId}/review`, room.interviewerToken));
        return later.participants.find((p) => p.name === 'Cleo')?.leftAt;
      },
      { what: 'Cleo’s leave in the review' },
    );
    const logs = JSON.stringify(relay.logs);
    expect(logs).not.toContain(room.interviewerToken);
    expect(logs).not.toContain(room.candidateToken);
  });
});

describe('interviewer passcode attempts', () => {
  it('answers 429 with Retry-After past the limit of wrong passcodes per address; right passcodes before it do not count', async () => {
    const passcode = 'limits-42';
    const relay = await server({ INTERVIEWER_PASSCODE: passcode, PASSCODE_ATTEMPTS_PER_MINUTE: '3' });
    const questions = (value?: string) => fetch(`${relay.url}/api/questions`, { headers: value === undefined ? {} : { [PASSCODE_HEADER]: value } });

    for (let i = 0; i < 5; i++) expect((await questions(passcode)).status).toBe(200);
    // No passcode at all is not a guess.
    for (let i = 0; i < 5; i++) expect((await questions()).status).toBe(401);
    for (let i = 0; i < 3; i++) {
      const wrong = await questions(`guess-${i}`);
      expect(wrong.status).toBe(401);
      expect(((await wrong.json()) as { error: string }).error).toBe('the interviewer passcode is wrong');
    }
    const limited = await questions('guess-3');
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(((await limited.json()) as { error: string }).error).toMatch(/too many wrong interviewer passcodes.*try again in \d+ s/);
    // Past the limit the right passcode is refused too, or a guesser would know when it hit.
    expect((await questions(passcode)).status).toBe(429);
    const created = await fetch(`${relay.url}/api/rooms`, { method: 'POST', headers: { [PASSCODE_HEADER]: 'guess-4' } });
    expect(created.status).toBe(429);
    // Routes without the passcode are not limited.
    expect((await fetch(`${relay.url}/api/config`)).status).toBe(200);
    expect(JSON.stringify(relay.logs)).not.toContain(passcode);
  });
});
