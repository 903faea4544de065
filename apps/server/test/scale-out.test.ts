import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DocumentChannel, encodeRoomEvent, type RoomStatus } from '@interview/protocol';
import {
  nginxAvailable,
  startNginx,
  startRedis,
  startServer,
  usePostgres,
  useRedis,
  waitFor,
  type PostgresDatabase,
  type ServerProcess,
} from '@interview/test-support';
import { connectRaw, connectStockClient, createRoom, eventsOf, type RawClient, type StockClient } from './clients.js';

/**
 * Several relay instances sharing rooms through Redis and PostgreSQL, as
 * real processes: stock y-websocket clients on different instances of one
 * room, an instance killed mid-interview, Redis going away and coming
 * back, and the repository's nginx config in front.
 */

let postgres: PostgresDatabase;
let redis: { url: string; cleanup(): Promise<void> };

beforeAll(async () => {
  [postgres, redis] = await Promise.all([usePostgres(), useRedis()]);
}, 60_000);

afterAll(async () => {
  await Promise.all([postgres?.cleanup(), redis?.cleanup()]);
});

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function instance(name: string, redisUrl = redis.url): Promise<ServerProcess> {
  const started = await startServer({ env: { REDIS_URL: redisUrl, DATABASE_URL: postgres.url, INSTANCE_ID: name, SNAPSHOT_EVERY: '20' } });
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
  return [...client.provider.awareness.getStates().values()].map((s) => (s.user as { name?: string } | undefined)?.name ?? '').sort();
}

async function health(server: ServerProcess): Promise<Record<string, unknown>> {
  return (await (await fetch(`${server.url}/healthz`)).json()) as Record<string, unknown>;
}

function setStatus(base: string, roomId: string, token: string, body: unknown): Promise<Response> {
  return fetch(`${base}/api/rooms/${roomId}/status`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
}

function contains(frames: Uint8Array[], marker: string): boolean {
  const needle = Buffer.from(marker);
  return frames.some((frame) => Buffer.from(frame).includes(needle));
}

describe('two relay instances on Redis and PostgreSQL', () => {
  it('share one room: edits, presence, run events and the end of the interview cross instances', async () => {
    const [a, b] = await Promise.all([instance('relay-a'), instance('relay-b')]);
    expect(await health(a)).toMatchObject({ status: 'ok', storage: 'postgres', bus: 'connected', instance: 'relay-a' });
    const room = await createRoom(a.url);
    const ada = stock(a.url, room.roomId, room.interviewerToken, 'Ada');
    const cleo = stock(b.url, room.roomId, room.candidateToken, 'Cleo');
    await Promise.all([ada.synced(), cleo.synced()]);

    ada.text.insert(0, '# from instance A\n');
    await waitFor(() => cleo.text.toString().startsWith('# from instance A\n'), { what: 'B’s client to see A’s edit' });
    cleo.text.insert(cleo.text.length, '# from instance B\n');
    await waitFor(() => ada.text.toString().endsWith('# from instance B\n'), { what: 'A’s client to see B’s edit' });

    ada.provider.awareness.setLocalStateField('user', { name: 'Ada' });
    cleo.provider.awareness.setLocalStateField('user', { name: 'Cleo' });
    await waitFor(() => names(ada).join() === 'Ada,Cleo' && names(cleo).join() === 'Ada,Cleo', { what: 'each to see the other’s presence' });

    // A run started by a participant on A reaches a socket on B; so does the end of the interview, ended through A's API.
    const watcher = raw(b.url, room.roomId, room.candidateToken, 'Watcher');
    const runner = raw(a.url, room.roomId, room.interviewerToken, 'Runner');
    await Promise.all([watcher.opened, runner.opened]);
    await waitFor(() => watcher.received.length > 0 && runner.received.length > 0, { what: 'both sockets to be joined' });
    runner.socket.send(encodeRoomEvent({ type: 'execute-code', payload: { runId: 'run-1', language: 'python', code: 'print(1)' } }));
    await waitFor(() => eventsOf(watcher.received).some((e) => e.type === 'execute-code'), { what: 'the run to reach B' });
    expect(eventsOf(watcher.received).find((e) => e.type === 'execute-code')).toMatchObject({ payload: { runId: 'run-1', by: { name: 'Runner', role: 'interviewer' } } });

    const response = await setStatus(a.url, room.roomId, room.interviewerToken, { ended: true, name: 'Ada' });
    expect(response.status).toBe(200);
    const ended = (await response.json()) as RoomStatus;
    await waitFor(() => eventsOf(watcher.received).some((e) => e.type === 'room-status'), { what: 'B’s candidate socket to hear of the end' });
    expect(eventsOf(watcher.received).find((e) => e.type === 'room-status')).toEqual({ type: 'room-status', payload: ended });

    // B enforces the end too: the candidate's write there is dropped, not stored.
    const before = ada.text.toString();
    cleo.text.insert(0, 'AFTER THE END ');
    const late = stock(a.url, room.roomId, room.interviewerToken, 'Late');
    await late.synced();
    ada.text.insert(ada.text.length, '# interviewer still writes\n');
    await waitFor(() => late.text.toString().endsWith('# interviewer still writes\n'), { what: 'the interviewer’s later edit' });
    expect(late.text.toString()).toBe(`${before}# interviewer still writes\n`);
  });

  it('never lets interviewer-only data reach a candidate on another instance', async () => {
    const [a, b] = await Promise.all([instance('relay-a'), instance('relay-b')]);
    const room = await createRoom(a.url);
    const notes = stock(a.url, room.roomId, room.interviewerToken, 'Ada', DocumentChannel.notes);
    const interviewer = raw(a.url, room.roomId, room.interviewerToken, 'Ada');
    const candidate = raw(b.url, room.roomId, room.candidateToken, 'Cleo');
    const candidateStatement = raw(b.url, room.roomId, room.candidateToken, 'Cleo', DocumentChannel.statement);
    await Promise.all([notes.synced(), interviewer.opened, candidate.opened, candidateStatement.opened]);

    notes.text.insert(0, 'NOTE-MARKER: strong on recursion');
    const notesOnB = stock(b.url, room.roomId, room.interviewerToken, 'Bo', DocumentChannel.notes);
    await waitFor(() => notesOnB.text.toString().includes('NOTE-MARKER'), { what: 'an interviewer on B to get the notes' });
    // The candidate's paste signal goes to interviewers on every instance, and to no candidate.
    candidate.socket.send(encodeRoomEvent({ type: 'signal', payload: { kind: 'paste', chars: 777, lines: 12 } }));
    await waitFor(() => eventsOf(interviewer.received).some((e) => e.type === 'signal'), { what: 'the interviewer on A to see the paste' });
    expect(eventsOf(interviewer.received).find((e) => e.type === 'signal')).toMatchObject({ payload: { kind: 'paste', chars: 777, by: { name: 'Cleo' } } });

    // A frame the candidate's socket would receive after the notes and the signal: everything before it is in the capture.
    const probe = stock(a.url, room.roomId, room.interviewerToken, 'Probe');
    await probe.synced();
    probe.text.insert(0, 'SYNC-MARKER');
    await waitFor(() => contains(candidate.received, 'SYNC-MARKER'), { what: 'the candidate socket to get a later edit' });
    for (const frames of [candidate.received, candidateStatement.received]) {
      expect(contains(frames, 'NOTE-MARKER')).toBe(false);
      expect(eventsOf(frames).some((e) => e.type === 'signal')).toBe(false);
    }
    const notesAsCandidate = raw(b.url, room.roomId, room.candidateToken, 'Cleo', DocumentChannel.notes);
    expect((await notesAsCandidate.closed).code).toBe(4403);
    expect(notesAsCandidate.received).toEqual([]);
  });

  it('loses no edit when an instance is killed: its clients carry on through the other', async () => {
    const [a, b] = await Promise.all([instance('relay-a'), instance('relay-b')]);
    const room = await createRoom(a.url);
    const writer = stock(a.url, room.roomId, room.interviewerToken, 'Writer');
    const reader = stock(b.url, room.roomId, room.candidateToken, 'Reader');
    await Promise.all([writer.synced(), reader.synced()]);
    for (let i = 0; i < 60; i++) writer.text.insert(writer.text.length, `line ${i}\n`);
    await waitFor(() => reader.text.toString().endsWith('line 59\n'), { what: 'the reader on B to see every line' });

    await a.kill();
    expect(a.child.signalCode).toBe('SIGKILL');
    // The writer's document moves to the surviving instance, as a load balancer would send its reconnect.
    writer.provider.destroy();
    const moved = stock(b.url, room.roomId, room.interviewerToken, 'Writer');
    const { applyUpdate, encodeStateAsUpdate } = await import('yjs');
    applyUpdate(moved.doc, encodeStateAsUpdate(writer.doc));
    await moved.synced();
    moved.text.insert(moved.text.length, 'after the crash\n');
    await waitFor(() => reader.text.toString().endsWith('after the crash\n'), { what: 'the reader to see the moved writer’s edit' });

    const c = await instance('relay-c');
    const fresh = stock(c.url, room.roomId, room.candidateToken, 'Fresh');
    await fresh.synced();
    await waitFor(() => fresh.text.toString() === reader.text.toString(), { what: 'a fresh client on a new instance to load everything from PostgreSQL' });
    expect(fresh.text.toString()).toContain('line 0\n');
  });

  it('keeps rooms working on each instance while Redis is away, and catches up when it returns', async () => {
    const ownRedis = await startRedis();
    cleanups.push(() => ownRedis.cleanup());
    const [a, b] = await Promise.all([instance('relay-a', ownRedis.url), instance('relay-b', ownRedis.url)]);
    const room = await createRoom(a.url);
    const onA1 = stock(a.url, room.roomId, room.interviewerToken, 'A1');
    const onA2 = stock(a.url, room.roomId, room.candidateToken, 'A2');
    const onB = stock(b.url, room.roomId, room.interviewerToken, 'B1');
    await Promise.all([onA1.synced(), onA2.synced(), onB.synced()]);

    await ownRedis.stop();
    await waitFor(async () => (await health(a)).status === 'degraded' && (await health(b)).status === 'degraded', { what: 'both instances to report degraded' });
    expect(await health(a)).toMatchObject({ bus: 'disconnected' });
    await waitFor(() => a.logs.some((l) => l.event === 'bus-disconnected'), { what: 'a bus-disconnected log line' });

    onA1.text.insert(0, '# during the outage, on A\n');
    await waitFor(() => onA2.text.toString().startsWith('# during the outage, on A\n'), { what: 'the room on A to keep working' });
    onB.text.insert(onB.text.length, '# during the outage, on B\n');

    await ownRedis.start();
    await waitFor(async () => (await health(a)).status === 'ok' && (await health(b)).status === 'ok', { what: 'both instances to reconnect', timeoutMs: 20_000 });
    expect(a.logs.some((l) => l.event === 'bus-reconnected')).toBe(true);
    // What each side wrote while the bus was away arrives by catching up from storage.
    await waitFor(() => onB.text.toString().includes('# during the outage, on A\n'), { what: 'B to catch up with A' });
    await waitFor(() => onA2.text.toString().includes('# during the outage, on B\n'), { what: 'A to catch up with B' });
    onB.text.insert(0, '# after the outage\n');
    await waitFor(() => onA1.text.toString().startsWith('# after the outage\n'), { what: 'live fan-out to resume' });
  });

  it.skipIf(!nginxAvailable())('works behind the repository’s nginx config, with no sticky sessions, and through the loss of an instance', async () => {
    const [a, b] = await Promise.all([instance('relay-a'), instance('relay-b')]);
    const lb = await startNginx({ upstreams: [`127.0.0.1:${a.port}`, `127.0.0.1:${b.port}`] });
    cleanups.push(() => lb.stop());
    const room = await createRoom(lb.url);
    const clients = [0, 1, 2, 3].map((i) => stock(lb.url, room.roomId, i % 2 ? room.candidateToken : room.interviewerToken, `P${i}`));
    await Promise.all(clients.map((c) => c.synced()));
    // Round-robin, no stickiness: both instances serve participants of the one room.
    const joins = (s: ServerProcess) => s.logs.filter((l) => l.event === 'participant-joined').length;
    await waitFor(() => joins(a) > 0 && joins(b) > 0, { what: 'both instances to serve the room' });
    clients[0]!.text.insert(0, 'via the load balancer\n');
    await waitFor(() => clients.every((c) => c.text.toString().startsWith('via the load balancer\n')), { what: 'every client to see the edit' });

    await a.kill();
    // The providers reconnect by themselves; nginx sends them to the instance still up.
    await waitFor(() => clients.every((c) => c.provider.wsconnected && c.provider.synced), { what: 'every client to reconnect', timeoutMs: 20_000 });
    clients[1]!.text.insert(clients[1]!.text.length, 'after losing an instance\n');
    await waitFor(() => clients.every((c) => c.text.toString().endsWith('after losing an instance\n')), { what: 'every client to see the later edit' });
    const fresh = stock(lb.url, room.roomId, room.candidateToken, 'Fresh');
    await fresh.synced();
    await waitFor(() => fresh.text.toString() === clients[0]!.text.toString(), { what: 'a fresh client to load the whole document' });
  });
});
