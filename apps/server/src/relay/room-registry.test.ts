import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode, DocumentChannel, RoomDocument } from '@interview/protocol';
import { seedUpdate } from '../rooms/room-seed.js';
import { hashToken, newRoomId } from '../rooms/tokens.js';
import type { StoredDocument } from '../storage/room-store.js';
import { SqliteRoomStore } from '../storage/sqlite-store.js';
import { Connection } from './connection.js';
import { RegistryClosingError, RoomRegistry } from './room-registry.js';
import { recordingLogger, TestClient, until, type LogEntry } from './room-test-kit.js';

/** A promise a test resolves when it chooses. */
function gate(): { opened: Promise<void>; open(): void } {
  let open = (): void => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** SQLite, with loads and snapshots that can be held until the test lets them finish. */
class HeldStore extends SqliteRoomStore {
  loadGate: Promise<void> | null = null;
  snapshotGate: Promise<void> | null = null;

  override async loadDocument(roomId: string, channel?: DocumentChannel): Promise<StoredDocument> {
    await this.loadGate;
    return super.loadDocument(roomId, channel);
  }

  override async saveSnapshot(roomId: string, state: Uint8Array, throughSeq: number, channel?: DocumentChannel): Promise<void> {
    await this.snapshotGate;
    return super.saveSnapshot(roomId, state, throughSeq, channel);
  }
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function registryWithRoom() {
  const dir = mkdtempSync(join(tmpdir(), 'interview-registry-'));
  const store = new HeldStore(dir);
  const roomId = newRoomId();
  await store.createRoom(
    { id: roomId, title: 'Registry', language: 'python', interviewerTokenHash: hashToken('i'), candidateTokenHash: hashToken('c'), createdAt: new Date(), ended: null },
    seedUpdate('python'),
  );
  const logs: LogEntry[] = [];
  const registry = new RoomRegistry({ store, logger: recordingLogger(logs), maxMessageBytes: 64 * 1024, snapshotEvery: 500 });
  cleanups.push(async () => {
    store.loadGate = null;
    store.snapshotGate = null;
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { store, roomId, registry, logs };
}

/** A connection that records how it was closed. */
function connection(name: string): { connection: Connection; closed: () => { code: number; reason: string } | null } {
  let closed: { code: number; reason: string } | null = null;
  const socket = { send() {}, close: (code: number, reason: string) => void (closed ??= { code, reason }) };
  return { connection: new Connection(socket, { connectionId: name, role: 'candidate', name }), closed: () => closed };
}

describe('RoomRegistry: closing every room (a stop)', () => {
  it('refuses with the stop’s code a join that was waiting for its room to finish unloading', async () => {
    const { store, roomId, registry } = await registryWithRoom();
    // A participant edits, then leaves: the room unloads, and its final snapshot is held.
    const first = connection('first');
    const room = await registry.join(roomId, first.connection);
    const ada = new TestClient(room, 'Ada', 'interviewer').join();
    cleanups.push(() => ada.destroy());
    await until(() => ada.synced, 'Ada to sync');
    ada.text.insert(0, '# edit\n');
    await until(() => room.doc.getText(RoomDocument.code).toString().startsWith('# edit\n'), 'the edit to apply');
    const snapshot = gate();
    store.snapshotGate = snapshot.opened;
    ada.leave();
    room.leave(first.connection);
    expect(room.closed).toBe(true);

    const late = connection('late');
    const joining = registry.join(roomId, late.connection);
    const stopped = registry.closeAll(CloseCode.ServiceRestart, 'service restart');
    snapshot.open();
    await expect(joining).rejects.toEqual(new RegistryClosingError(CloseCode.ServiceRestart, 'service restart'));
    await stopped;
    expect(registry.activeRoomCount).toBe(0);
  });

  it('refuses a join whose room was still loading, and unloads that room', async () => {
    const { store, roomId, registry } = await registryWithRoom();
    const load = gate();
    store.loadGate = load.opened;
    const late = connection('late');
    const joining = registry.join(roomId, late.connection);
    const stopped = registry.closeAll(CloseCode.ServiceRestart, 'service restart');
    load.open();
    await expect(joining).rejects.toBeInstanceOf(RegistryClosingError);
    await stopped;
    expect(registry.activeRoomCount).toBe(0);
    expect(late.closed()).toBeNull();
  });

  it('closes the connections of loaded rooms with the stop’s code', async () => {
    const { roomId, registry } = await registryWithRoom();
    const present = connection('present');
    await registry.join(roomId, present.connection);
    await registry.closeAll(CloseCode.ServiceRestart, 'service restart');
    expect(present.closed()).toEqual({ code: CloseCode.ServiceRestart, reason: 'service restart' });
    expect(registry.activeRoomCount).toBe(0);
  });
});
