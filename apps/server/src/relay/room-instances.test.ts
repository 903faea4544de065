import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { CloseCode, RoomDocument } from '@interview/protocol';
import { InProcessBusNetwork, type InProcessBus } from '../bus/in-process-bus.js';
import { seedUpdate } from '../rooms/room-seed.js';
import { hashToken, newRoomId } from '../rooms/tokens.js';
import { SqliteRoomStore } from '../storage/sqlite-store.js';
import { Room } from './room.js';
import { execute, recordingLogger, TestClient, until, type LogEntry } from './room-test-kit.js';

/** One room served by two relay "instances" in this process: two Rooms on one store, linked by an in-process bus. */
async function twoInstances(snapshotEvery = 500) {
  const dir = mkdtempSync(join(tmpdir(), 'interview-instances-'));
  const store = new SqliteRoomStore(dir);
  const roomId = newRoomId();
  await store.createRoom(
    { id: roomId, title: 'Two instances', language: 'python', interviewerTokenHash: hashToken('i'), candidateTokenHash: hashToken('c'), createdAt: new Date(), ended: null },
    seedUpdate('python'),
  );
  const network = new InProcessBusNetwork();
  const logs: LogEntry[] = [];
  const clients: TestClient[] = [];
  const rooms: Room[] = [];
  const load = async (bus: InProcessBus, name: string) => {
    const room = await Room.load(roomId, {
      store,
      logger: recordingLogger(logs),
      maxMessageBytes: 64 * 1024,
      snapshotEvery,
      onEmpty: () => {},
      bus: { bus, instanceId: name },
      sharedStorage: true,
    });
    rooms.push(room);
    return room;
  };
  const busA = network.connect();
  const busB = network.connect();
  const [a, b] = [await load(busA, 'a'), await load(busB, 'b')];
  cleanups.push(async () => {
    for (const client of clients) client.destroy();
    for (const room of rooms) await room.unload();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const joined = async (room: Room, name: string, role: 'interviewer' | 'candidate') => {
    const client = new TestClient(room, name, role).join();
    clients.push(client);
    await until(() => client.synced, `${name} to sync`);
    return client;
  };
  return { store, roomId, a, b, busA, busB, joined, logs, load };
}

/** Waits until the room's stored history (after its snapshot) holds this many updates. */
function storedUpdates(store: SqliteRoomStore, roomId: string, count: number): Promise<void> {
  return vi.waitFor(
    async () => {
      const stored = await store.loadDocument(roomId);
      if (stored.updates.length !== count) throw new Error(`${stored.updates.length} stored updates, waiting for ${count}`);
    },
    { timeout: 5000, interval: 2 },
  );
}

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

describe('Room on several instances', () => {
  it('relays edits, presence and run events to participants on the other instance, storing each edit once', async () => {
    const { a, b, joined, store, roomId } = await twoInstances();
    const ada = await joined(a, 'Ada', 'interviewer');
    const cleo = await joined(b, 'Cleo', 'candidate');
    ada.text.insert(0, 'x = 1\n');
    await until(() => cleo.text.toString().startsWith('x = 1\n'), 'Cleo on B to get Ada’s edit');
    cleo.publish({ name: 'Cleo', role: 'candidate' });
    await until(() => ada.userName(cleo.doc.clientID) === 'Cleo', 'Ada to see Cleo’s presence');
    ada.sendEvent(execute('r1'));
    await until(() => cleo.events.some((e) => e.type === 'execute-code'), 'the run to reach B');
    // Stored once, by the instance that took it: the stored history replays to the same text.
    const stored = await store.loadDocument(roomId);
    const replay = new Y.Doc();
    for (const update of stored.updates) Y.applyUpdate(replay, update);
    expect(replay.getText(RoomDocument.code).toString()).toBe(ada.text.toString());
    expect(stored.updates.length).toBe(2);
  });

  it('refuses a candidate taking over presence that an interviewer holds on the other instance', async () => {
    const { a, b, joined } = await twoInstances();
    const ada = await joined(a, 'Ada', 'interviewer');
    const cleo = await joined(b, 'Cleo', 'candidate');
    ada.publish({ name: 'Ada', role: 'interviewer' });
    await until(() => cleo.userName(ada.doc.clientID) === 'Ada', 'Cleo to see Ada');
    // Cleo claims Ada's client id with a newer clock, as a forged update would.
    const forged = new TestClient(b, 'Forger', 'candidate');
    forged.awareness.clientID = ada.doc.clientID;
    forged.join();
    // Past Ada's clock, so the relay cannot take it for an echo.
    for (let i = 0; i < 5; i++) forged.awareness.setLocalState({ user: { name: `Not Ada ${i}`, role: 'candidate' } });
    await until(() => forged.closed !== null, 'the forger to be refused');
    expect(forged.closed?.code).toBe(CloseCode.BadMessage);
    expect(ada.userName(ada.doc.clientID) ?? cleo.userName(ada.doc.clientID)).toBe('Ada');
    forged.destroy();
  });

  it('catches up from storage after a bus outage, and snapshots only what storage shows it holds', async () => {
    const { a, b, busB, joined, store, roomId } = await twoInstances();
    const ada = await joined(a, 'Ada', 'interviewer');
    const cleo = await joined(b, 'Cleo', 'candidate');
    busB.disconnect();
    ada.text.insert(0, 'while B was cut off\n');
    await until(() => ada.sentUpdates.length === 1, 'the edit to be sent');
    await storedUpdates(store, roomId, 2);
    expect(cleo.text.toString()).not.toContain('while B was cut off');
    busB.reconnect();
    await until(() => cleo.text.toString().startsWith('while B was cut off\n'), 'Cleo to get the edit B missed');

    // B's final snapshot may not claim a sequence number past what it holds: a fresh load still has every edit.
    busB.disconnect();
    ada.text.insert(0, 'B never heard this\n');
    await storedUpdates(store, roomId, 3);
    // B stores an edit of its own after the one it never heard: its own highest sequence number is past a gap.
    cleo.text.insert(cleo.text.length, '# Cleo on B\n');
    await storedUpdates(store, roomId, 4);
    await b.unload();
    const reloaded = await store.loadDocument(roomId);
    const doc = new Y.Doc();
    for (const update of reloaded.snapshot ? [reloaded.snapshot, ...reloaded.updates] : reloaded.updates) Y.applyUpdate(doc, update);
    const text = doc.getText(RoomDocument.code).toString();
    expect(text).toContain('B never heard this\n');
    expect(text).toContain('# Cleo on B\n');
  });
});
