import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import { CloseCode, encodeAwarenessFrame, encodeRoomEvent } from '@interview/protocol';
import { startServer, waitFor, type ServerProcess } from '@interview/test-support';
import { connectRaw, connectStockClient, createRoom, eventsOf, type CreatedRoom } from './clients.js';

/**
 * Every limit over real sockets: crossing one closes that client alone with
 * a code and a reason; the others and the stored document carry on.
 */

const LIMITS = {
  MAX_MESSAGES_PER_SECOND: '50',
  MAX_DOCUMENT_BYTES: String(64 * 1024),
  MAX_PARTICIPANTS_PER_ROOM: '3',
  ROOMS_PER_ADDRESS_PER_MINUTE: '4',
  MAX_RUN_OUTPUT_CHARS: '2048',
};

let server: ServerProcess;
const cleanups: Array<() => unknown> = [];

beforeAll(async () => {
  server = await startServer({ env: LIMITS });
  return () => server.stop();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The room's document as a stock client sees it once synced. */
async function storedText(room: CreatedRoom): Promise<string> {
  const probe = connectStockClient(server.url, room.roomId, room.interviewerToken, 'Probe');
  try {
    await probe.synced();
    return probe.text.toString();
  } finally {
    probe.destroy();
  }
}

// One room per test, and few of them: room creation is limited per address too.
const rooms: CreatedRoom[] = [];
beforeAll(async () => {
  for (let i = 0; i < 3; i++) rooms.push(await createRoom(server.url));
});

describe('limits', () => {
  it('refuses a flood of messages from one connection with 4429; a stock client typing alongside, echoing every presence it hears, is unaffected', async () => {
    const room = rooms[0]!;
    const typist = connectStockClient(server.url, room.roomId, room.interviewerToken, 'Typist');
    cleanups.push(() => typist.destroy());
    await typist.synced();
    const flooder = connectRaw(server.url, room.roomId, room.candidateToken, 'Flooder');
    cleanups.push(() => flooder.socket.terminate());
    await flooder.opened;
    // Valid presence updates, each harmless on its own.
    const presence = new Awareness(new Y.Doc());
    for (let i = 0; i < 1000; i++) {
      presence.setLocalState({ user: { name: 'Flooder' }, cursor: i });
      flooder.socket.send(encodeAwarenessFrame(encodeAwarenessUpdate(presence, [presence.clientID])));
    }
    expect(await flooder.closed).toEqual({ code: CloseCode.TooManyMessages, reason: 'more than 50 messages per second' });

    typist.text.insert(0, '# still typing\n');
    await waitFor(async () => (await storedText(room)).startsWith('# still typing\n'), { what: 'the typist’s edit to be stored' });
    expect(typist.provider.wsconnected).toBe(true);
    expect(server.logs).toContainEqual(expect.objectContaining({ event: 'message-refused', code: CloseCode.TooManyMessages }));
  });

  it('refuses an edit that would grow the document past MAX_DOCUMENT_BYTES with 4414 and stores none of it', async () => {
    const room = rooms[1]!;
    const before = await storedText(room);
    const other = connectStockClient(server.url, room.roomId, room.interviewerToken, 'Other');
    const paster = connectStockClient(server.url, room.roomId, room.candidateToken, 'Paster');
    cleanups.push(() => other.destroy(), () => paster.destroy());
    await Promise.all([other.synced(), paster.synced()]);
    paster.text.insert(0, 'p'.repeat(100 * 1024));
    await waitFor(() => paster.closes.length > 0, { what: 'the paster to be refused' });
    expect(paster.closes[0]).toEqual({ code: CloseCode.DocumentTooLarge, reason: expect.stringMatching(/limit of 65536 bytes/) });
    // Refused for good: the stock client does not reconnect after 44xx.
    expect(paster.provider.shouldConnect).toBe(false);
    expect(other.text.toString()).toBe(before);
    expect(await storedText(room)).toBe(before);

    // A normal edit still fits.
    other.text.insert(0, 'x = 1\n');
    await waitFor(async () => (await storedText(room)) === `x = 1\n${before}`, { what: 'a small edit to be stored' });
  });

  it('refuses a participant past MAX_PARTICIPANTS_PER_ROOM with 4409 before it receives anything', async () => {
    const room = rooms[2]!;
    const present = [0, 1, 2].map((i) => connectRaw(server.url, room.roomId, room.candidateToken, `P${i}`));
    cleanups.push(...present.map((p) => () => p.socket.terminate()));
    await Promise.all(present.map((p) => p.opened));
    await waitFor(() => present.every((p) => p.received.length > 0), { what: 'the first three to join' });
    const fourth = connectRaw(server.url, room.roomId, room.candidateToken, 'P3');
    cleanups.push(() => fourth.socket.terminate());
    expect(await fourth.closed).toEqual({ code: CloseCode.RoomFull, reason: 'the room is full: it takes at most 3 participants' });
    expect(fourth.received).toEqual([]);
    // Each channel counts its own connections: the interviewer's notes stay reachable.
    const notes = connectRaw(server.url, room.roomId, room.interviewerToken, 'Notes', 'notes');
    cleanups.push(() => notes.socket.terminate());
    await waitFor(() => notes.received.length > 0, { what: 'the notes channel to answer' });
  });

  it('refuses a runner that streams more than MAX_RUN_OUTPUT_CHARS with 4415; the watchers see the run stopped', async () => {
    const room = rooms[0]!;
    const watcher = connectRaw(server.url, room.roomId, room.interviewerToken, 'Watcher');
    const runner = connectRaw(server.url, room.roomId, room.candidateToken, 'Runner');
    cleanups.push(() => watcher.socket.terminate(), () => runner.socket.terminate());
    await Promise.all([watcher.opened, runner.opened]);
    runner.socket.send(encodeRoomEvent({ type: 'execute-code', payload: { runId: 'run-flood', language: 'python', code: 'while True: print(1)' } }));
    for (let i = 0; i < 5; i++) {
      runner.socket.send(encodeRoomEvent({ type: 'execution-output', payload: { runId: 'run-flood', stream: 'stdout', text: 'y'.repeat(1000) } }));
    }
    expect(await runner.closed).toEqual({ code: CloseCode.RunOutputTooLarge, reason: "the run's output passed the limit of 2048 characters" });
    await waitFor(() => eventsOf(watcher.received).some((e) => e.type === 'execution-result'), { what: 'the watcher to see the run end' });
    const events = eventsOf(watcher.received);
    expect(events.filter((e) => e.type === 'execution-output')).toHaveLength(2);
    expect(events.find((e) => e.type === 'execution-result')).toMatchObject({ payload: { runId: 'run-flood', status: 'stopped' } });
  });

  it('answers 429 with Retry-After once an address created ROOMS_PER_ADDRESS_PER_MINUTE rooms', async () => {
    // Three were created above.
    const fourth = await fetch(`${server.url}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(fourth.status).toBe(201);
    const fifth = await fetch(`${server.url}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(fifth.status).toBe(429);
    expect(Number(fifth.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await fifth.json()).toEqual({ error: expect.stringMatching(/^too many rooms created from this address; try again in \d+ s$/) });
  });
});

