import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as encoding from 'lib0/encoding';
import {
  CloseCode,
  decodeRoomEvent,
  encodeDocumentUpdate,
  encodeRoomEvent,
  MessageType,
  STARTER_CODE,
  type RoomEvent,
} from '@interview/protocol';
import { startServer, waitFor, type ServerProcess } from '@interview/test-support';
import { connectRaw, connectStockClient, createRoom, type StockClient } from './clients.js';

const MAX_MESSAGE_BYTES = 64 * 1024;

let server: ServerProcess;
const clients: StockClient[] = [];

function client(...args: Parameters<typeof connectStockClient>): StockClient {
  const c = connectStockClient(...args);
  clients.push(c);
  return c;
}

function eventsOf(frames: Uint8Array[]): RoomEvent[] {
  return frames.filter((f) => f[0] === MessageType.RoomEvent).flatMap((f) => {
    const decoded = decodeRoomEvent(f);
    return decoded.ok ? [decoded.value] : [];
  });
}

beforeAll(async () => {
  server = await startServer({ env: { MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES) } });
});

afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
});

afterAll(async () => {
  await server.stop();
});

describe('document sync with stock y-websocket clients', () => {
  it('syncs the seeded starter code once and edits both ways', async () => {
    const room = await createRoom(server.url, { title: 'Sync', language: 'javascript' });
    const a = client(server.url, room.roomId, room.interviewerToken, 'Ada');
    const b = client(server.url, room.roomId, room.candidateToken, 'Bo');
    await Promise.all([a.synced(), b.synced()]);
    expect(a.text.toString()).toBe(STARTER_CODE.javascript);
    expect(b.text.toString()).toBe(STARTER_CODE.javascript);
    expect(a.doc.getMap('meta').get('language')).toBe('javascript');

    a.text.insert(0, '// from Ada\n');
    await waitFor(() => b.text.toString().startsWith('// from Ada\n'), { what: 'B to see A' });
    b.text.insert(b.text.length, '// from Bo\n');
    await waitFor(() => a.text.toString().endsWith('// from Bo\n'), { what: 'A to see B' });
    expect(a.text.toString()).toBe(b.text.toString());
  });

  it('shares presence: each client sees the other one\'s awareness state', async () => {
    const room = await createRoom(server.url);
    const a = client(server.url, room.roomId, room.interviewerToken, 'Ada');
    const b = client(server.url, room.roomId, room.candidateToken, 'Bo');
    a.provider.awareness.setLocalStateField('user', { name: 'Ada', role: 'interviewer' });
    b.provider.awareness.setLocalStateField('user', { name: 'Bo', role: 'candidate' });
    const names = (c: StockClient) =>
      [...c.provider.awareness.getStates().values()].map((s) => (s.user as { name?: string } | undefined)?.name).sort();
    await waitFor(() => names(a).join() === 'Ada,Bo' && names(b).join() === 'Ada,Bo', { what: 'both to see both' });

    a.destroy();
    clients.splice(clients.indexOf(a), 1);
    await waitFor(() => names(b).join() === 'Bo', { what: 'B to see A leave' });
  });
});

describe('refusals', () => {
  it('refuses a wrong token with 4401 before sending any document data, and the provider stops', async () => {
    const room = await createRoom(server.url);
    const raw = connectRaw(server.url, room.roomId, 'not-the-token');
    const closed = await raw.closed;
    expect(closed.code).toBe(CloseCode.Unauthorized);
    expect(raw.received).toHaveLength(0);

    const stock = client(server.url, room.roomId, 'wrong');
    let terminal: { code: number } | null = null;
    stock.provider.on('closed', (event) => {
      terminal = event;
    });
    await waitFor(() => terminal, { what: 'the provider to give up' });
    expect(terminal!.code).toBe(CloseCode.Unauthorized);
    expect(stock.provider.shouldConnect).toBe(false);
    expect(stock.text.toString()).toBe('');
  });

  it('refuses a missing token with 4401 and an unknown room with 4404', async () => {
    const room = await createRoom(server.url);
    const noToken = connectRaw(server.url, room.roomId, null);
    expect((await noToken.closed).code).toBe(CloseCode.Unauthorized);
    expect(noToken.received).toHaveLength(0);
    const unknown = connectRaw(server.url, 'A'.repeat(22), room.interviewerToken);
    expect((await unknown.closed).code).toBe(CloseCode.RoomNotFound);
    // A token of one room does not open another.
    const other = await createRoom(server.url);
    const crossed = connectRaw(server.url, other.roomId, room.interviewerToken);
    expect((await crossed.closed).code).toBe(CloseCode.Unauthorized);
  });

  it('closes only the socket that sends garbage, oversized or undecodable frames; the room and its storage are untouched', async () => {
    const room = await createRoom(server.url);
    const a = client(server.url, room.roomId, room.interviewerToken, 'Ada');
    await a.synced();
    a.text.insert(0, 'kept\n');
    const expected = a.text.toString();

    const garbage = connectRaw(server.url, room.roomId, room.candidateToken);
    await garbage.opened;
    garbage.socket.send(Uint8Array.from([0, 2, 200, 1, 2, 3]));
    const g = await garbage.closed;
    expect(g.code).toBe(CloseCode.BadMessage);
    expect(g.reason).toMatch(/update/);

    const badUpdate = connectRaw(server.url, room.roomId, room.candidateToken);
    await badUpdate.opened;
    badUpdate.socket.send(encodeDocumentUpdate(Uint8Array.from([1, 1, 255, 255, 255, 255, 15, 9, 9, 9])));
    expect((await badUpdate.closed).code).toBe(CloseCode.BadMessage);

    const unknownEvent = connectRaw(server.url, room.roomId, room.candidateToken);
    await unknownEvent.opened;
    const enc = encoding.createEncoder();
    encoding.writeVarUint(enc, MessageType.RoomEvent);
    encoding.writeVarString(enc, JSON.stringify({ type: 'launch-missiles', payload: {} }));
    unknownEvent.socket.send(encoding.toUint8Array(enc));
    const u = await unknownEvent.closed;
    expect(u.code).toBe(CloseCode.BadMessage);
    expect(u.reason).toMatch(/unknown event type/);

    const text = connectRaw(server.url, room.roomId, room.candidateToken);
    await text.opened;
    text.socket.send('hello');
    expect((await text.closed).code).toBe(CloseCode.BadMessage);

    const oversized = connectRaw(server.url, room.roomId, room.candidateToken);
    await oversized.opened;
    oversized.socket.send(new Uint8Array(MAX_MESSAGE_BYTES + 1));
    const o = await oversized.closed;
    expect(o.code).toBe(CloseCode.MessageTooLarge);
    expect(o.reason).toMatch(/exceeds the limit/);

    const huge = connectRaw(server.url, room.roomId, room.candidateToken);
    await huge.opened;
    huge.socket.send(new Uint8Array(MAX_MESSAGE_BYTES * 4 + 1));
    expect((await huge.closed).code).toBe(1009);

    // The well-behaved client is still connected and still edits.
    expect(a.provider.wsconnected).toBe(true);
    a.text.insert(a.text.length, 'after\n');
    const late = client(server.url, room.roomId, room.candidateToken, 'Late');
    await late.synced();
    await waitFor(() => late.text.toString() === `${expected}after\n`, { what: 'the late joiner to see only real edits' });
  });
});

describe('room events', () => {
  it('relays execute-code and execution-result to the others, stamps the runner, and replays the latest run to late joiners', async () => {
    const room = await createRoom(server.url);
    const runner = connectRaw(server.url, room.roomId, room.candidateToken, 'Cara');
    const watcher = connectRaw(server.url, room.roomId, room.interviewerToken, 'Ivan');
    await Promise.all([runner.opened, watcher.opened]);

    const execute: RoomEvent = {
      type: 'execute-code',
      payload: { runId: 'run-1', language: 'python', code: 'print(1)', by: { name: 'Forged', role: 'interviewer' } },
    };
    runner.socket.send(encodeRoomEvent(execute));
    runner.socket.send(encodeRoomEvent({ type: 'execution-output', payload: { runId: 'run-1', stream: 'stdout', text: '1\n' } }));
    runner.socket.send(
      encodeRoomEvent({ type: 'execution-result', payload: { runId: 'run-1', output: '1\n', error: null, status: 'ok', durationMs: 3 } }),
    );

    await waitFor(() => eventsOf(watcher.received).length === 3, { what: 'the watcher to get three events' });
    const seen = eventsOf(watcher.received);
    expect(seen.map((e) => e.type)).toEqual(['execute-code', 'execution-output', 'execution-result']);
    expect(seen[0]).toMatchObject({ payload: { runId: 'run-1', code: 'print(1)', by: { name: 'Cara', role: 'candidate' } } });
    expect(seen[2]).toMatchObject({ payload: { runId: 'run-1', output: '1\n', error: null } });
    // The sender does not get its own events back.
    expect(eventsOf(runner.received)).toHaveLength(0);

    const late = connectRaw(server.url, room.roomId, room.interviewerToken, 'Late');
    await waitFor(() => eventsOf(late.received).length === 3, { what: 'the late joiner to get the latest run' });
    expect(eventsOf(late.received)).toEqual(seen);
    for (const raw of [runner, watcher, late]) raw.socket.close();
  });
});
