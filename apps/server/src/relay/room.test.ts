import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import {
  ChannelText,
  CloseCode,
  decodeClientFrame,
  encodeAwarenessFrame,
  encodeDocumentUpdate,
  encodeRoomEvent,
  encodeSyncStep1,
  encodeSyncStep2,
  MessageType,
  RoomDocument,
  STARTER_CODE,
  SyncMessageType,
  type ClientFrame,
  type DocumentChannel,
  type Language,
  type Role,
  type RoomEvent,
} from '@interview/protocol';
import { silentLogger } from '../log.js';
import { seedUpdate } from '../rooms/room-seed.js';
import { hashToken, newRoomId } from '../rooms/tokens.js';
import type { RoomStore, StoredRun, UpdateRecord } from '../storage/room-store.js';
import { SQLITE_FILE, SqliteRoomStore } from '../storage/sqlite-store.js';
import { Connection, type RelaySocket } from './connection.js';
import { Room } from './room.js';

/** Origin of changes a test client received from the relay, so it does not send them back. */
const FROM_RELAY = Symbol('from-relay');

/**
 * The real SQLite store, with hooks: every call is recorded when it is made,
 * and appends can be held until the test releases them, or made to fail.
 */
class ObservedStore implements RoomStore {
  readonly appended: UpdateRecord[] = [];
  readonly appendedSeqs: number[] = [];
  readonly snapshots: Array<{ roomId: string; state: Uint8Array; throughSeq: number }> = [];
  readonly held: Array<{ record: UpdateRecord; release(): void }> = [];
  mode: 'pass' | 'hold' | 'fail' = 'pass';

  constructor(readonly inner: SqliteRoomStore) {}

  appendUpdate(record: UpdateRecord): Promise<number> {
    this.appended.push(record);
    if (this.mode === 'fail') return Promise.reject(new Error('disk on fire'));
    const written = this.inner.appendUpdate(record).then((seq) => {
      this.appendedSeqs.push(seq);
      return seq;
    });
    if (this.mode === 'pass') return written;
    // The write happens now; its caller hears of it only when the test says so.
    return new Promise<number>((resolve, reject) => {
      this.held.push({ record, release: () => void written.then(resolve, reject) });
    });
  }

  /** Releases held appends, by default all of them in the order they were made. */
  release(indexes: number[] = this.held.map((_, i) => i)): void {
    const held = [...this.held];
    for (const i of indexes) held[i]!.release();
    const released = new Set(indexes.map((i) => held[i]));
    this.held.splice(0, this.held.length, ...held.filter((h) => !released.has(h)));
  }

  saveSnapshot(roomId: string, state: Uint8Array, throughSeq: number, channel?: DocumentChannel): Promise<void> {
    this.snapshots.push({ roomId, state, throughSeq });
    return this.inner.saveSnapshot(roomId, state, throughSeq, channel);
  }

  createRoom: RoomStore['createRoom'] = (room, seed, channelSeeds) => this.inner.createRoom(room, seed, channelSeeds);
  listQuestions: RoomStore['listQuestions'] = () => this.inner.listQuestions();
  getQuestion: RoomStore['getQuestion'] = (id) => this.inner.getQuestion(id);
  createQuestion: RoomStore['createQuestion'] = (question) => this.inner.createQuestion(question);
  updateQuestion: RoomStore['updateQuestion'] = (id, input, updatedAt) => this.inner.updateQuestion(id, input, updatedAt);
  deleteQuestion: RoomStore['deleteQuestion'] = (id) => this.inner.deleteQuestion(id);
  findRoom: RoomStore['findRoom'] = (roomId) => this.inner.findRoom(roomId);
  loadDocument: RoomStore['loadDocument'] = (roomId, channel) => this.inner.loadDocument(roomId, channel);
  saveLatestRun: RoomStore['saveLatestRun'] = (roomId, run) => this.inner.saveLatestRun(roomId, run);
  loadLatestRun: RoomStore['loadLatestRun'] = (roomId) => this.inner.loadLatestRun(roomId);
  ping: RoomStore['ping'] = () => this.inner.ping();
  close: RoomStore['close'] = () => this.inner.close();
}

/**
 * A participant with a real Y.Doc and awareness that speaks the wire
 * protocol to the room over an in-memory socket. Frames travel
 * asynchronously and in order in both directions, as on a real socket.
 */
class TestClient {
  readonly doc = new Y.Doc();
  readonly text = this.doc.getText(RoomDocument.code);
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  readonly connection: Connection;
  /** Every frame the relay sent, in order. */
  readonly frames: Uint8Array[] = [];
  /** Updates this client produced and sent. */
  readonly sentUpdates: Uint8Array[] = [];
  closed: { code: number; reason: string } | null = null;
  private destroyed = false;

  constructor(
    private readonly room: Room,
    readonly name: string,
    readonly role: Role,
  ) {
    // No presence until a test publishes some.
    this.awareness.setLocalState(null);
    const socket: RelaySocket = {
      send: (data) => {
        const copy = data.slice();
        queueMicrotask(() => this.receive(copy));
      },
      close: (code, reason) => {
        this.closed ??= { code, reason };
      },
    };
    this.connection = new Connection(socket, { connectionId: `test-${name}`, role, name });
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === FROM_RELAY) return;
      this.sentUpdates.push(update);
      this.send(encodeDocumentUpdate(update));
    });
    this.awareness.on('update', ({ added, updated, removed }: AwarenessChange, origin: unknown) => {
      if (origin === FROM_RELAY) return;
      this.send(encodeAwarenessFrame(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...added, ...updated, ...removed])));
    });
  }

  join(): this {
    this.room.join(this.connection);
    this.send(encodeSyncStep1(Y.encodeStateVector(this.doc)));
    return this;
  }

  /** The socket closed from this side, as ws.ts reports it. */
  leave(): void {
    this.connection.closed = true;
    this.room.leave(this.connection);
  }

  /** Sends a frame as is; the relay decides what to make of it. */
  send(frame: Uint8Array): void {
    if (this.destroyed) return;
    queueMicrotask(() => this.room.receive(this.connection, frame));
  }

  sendEvent(event: unknown): void {
    this.send(rawEventFrame(event));
  }

  get decoded(): ClientFrame[] {
    return this.frames.map((frame) => {
      const decoded = decodeClientFrame(frame);
      if (!decoded.ok) throw new Error(`the relay sent a frame that does not decode: ${decoded.reason}`);
      return decoded.value;
    });
  }

  /** Incremental updates relayed from others (not sync answers). */
  get relayedUpdates(): Uint8Array[] {
    return this.frames.filter((f) => f[0] === MessageType.Sync && f[1] === SyncMessageType.Update);
  }

  get synced(): boolean {
    return this.frames.some((f) => f[0] === MessageType.Sync && f[1] === SyncMessageType.Step2);
  }

  get events(): RoomEvent[] {
    return this.decoded.flatMap((f) => (f.kind === 'event' ? [f.event] : []));
  }

  get awarenessFrames(): Uint8Array[] {
    return this.decoded.flatMap((f) => (f.kind === 'awareness' ? [f.update] : []));
  }

  /** Publishes this client's presence, as the web app does with its `user` field. */
  publish(user: { name: string; role?: Role }): void {
    this.awareness.setLocalState({ user });
  }

  userName(clientId: number): string | undefined {
    return (this.awareness.getStates().get(clientId) as { user?: { name?: string } } | undefined)?.user?.name;
  }

  destroy(): void {
    this.destroyed = true;
    this.doc.destroy();
  }

  private receive(frame: Uint8Array): void {
    if (this.destroyed) return;
    this.frames.push(frame);
    const decoded = decodeClientFrame(frame);
    if (!decoded.ok) return;
    const message = decoded.value;
    switch (message.kind) {
      case 'sync-step1':
        this.send(encodeSyncStep2(Y.encodeStateAsUpdate(this.doc, message.stateVector)));
        return;
      case 'update':
        Y.applyUpdate(this.doc, message.update, FROM_RELAY);
        return;
      case 'awareness':
        awarenessProtocol.applyAwarenessUpdate(this.awareness, message.update, FROM_RELAY);
        return;
      default:
        return;
    }
  }
}

interface AwarenessChange {
  added: number[];
  updated: number[];
  removed: number[];
}

function rawEventFrame(value: unknown): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.RoomEvent);
  encoding.writeVarString(encoder, JSON.stringify(value));
  return encoding.toUint8Array(encoder);
}

/** An awareness update written entry by entry, so a test can make some entries bad. */
function awarenessUpdate(entries: Array<{ clientId: number; clock: number; json: string }>, count = entries.length): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, count);
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.clientId);
    encoding.writeVarUint(encoder, entry.clock);
    encoding.writeVarString(encoder, entry.json);
  }
  return encoding.toUint8Array(encoder);
}

/** The client ids an awareness update carries. */
function awarenessClientIds(update: Uint8Array): number[] {
  const decoder = decoding.createDecoder(update);
  const ids: number[] = [];
  for (let n = decoding.readVarUint(decoder); n > 0; n--) {
    ids.push(decoding.readVarUint(decoder));
    decoding.readVarUint(decoder);
    decoding.readVarString(decoder);
  }
  return ids;
}

/** Waits on a condition; the timeout only bounds a failure. */
function until(check: () => boolean, what: string): Promise<void> {
  return vi.waitFor(
    () => {
      if (!check()) throw new Error(`still waiting for ${what}`);
    },
    { timeout: 5000, interval: 2 },
  );
}

const execute = (runId: string, extra: Record<string, unknown> = {}) => ({
  type: 'execute-code',
  payload: { runId, language: 'python', code: 'print("hi")', ...extra },
});
const output = (runId: string, text: string, stream: 'stdout' | 'stderr' = 'stdout'): RoomEvent => ({
  type: 'execution-output',
  payload: { runId, stream, text },
});
const result = (runId: string): RoomEvent => ({
  type: 'execution-result',
  payload: { runId, output: 'hi\n', error: null, status: 'ok', durationMs: 5 },
});
const stop = (runId: string): RoomEvent => ({ type: 'stop-execution', payload: { runId } });

interface Setup {
  channel?: DocumentChannel;
  language?: Language;
  maxMessageBytes?: number;
  snapshotEvery?: number;
}

let cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

/** A room created with a seed in a fresh SQLite store on a temp dir, loaded as the relay loads it. */
async function openRoom({ channel, language = 'python', maxMessageBytes = 64 * 1024, snapshotEvery = 500 }: Setup = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'interview-room-'));
  const store = new ObservedStore(new SqliteRoomStore(dir));
  const roomId = newRoomId();
  await store.createRoom(
    {
      id: roomId,
      title: 'Room test',
      language,
      interviewerTokenHash: hashToken('interviewer'),
      candidateTokenHash: hashToken('candidate'),
      createdAt: new Date(),
    },
    seedUpdate(language),
  );
  const emptied: Room[] = [];
  const rooms: Room[] = [];
  const clients: TestClient[] = [];

  const load = async (): Promise<Room> => {
    const room = await Room.load(roomId, {
      channel,
      store,
      logger: silentLogger,
      maxMessageBytes,
      snapshotEvery,
      onEmpty: (r) => emptied.push(r),
    });
    rooms.push(room);
    return room;
  };
  const room = await load();

  cleanups.push(async () => {
    for (const client of clients) client.destroy();
    store.mode = 'pass';
    store.release();
    for (const r of rooms) await r.unload();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A client of `target` (the first room unless given), joined and synced. */
  const joined = async (name: string, role: Role, target: Room = room): Promise<TestClient> => {
    const client = connect(name, role, target).join();
    await until(() => client.synced, `${name} to sync`);
    return client;
  };
  const connect = (name: string, role: Role, target: Room = room): TestClient => {
    const client = new TestClient(target, name, role);
    clients.push(client);
    return client;
  };

  return { dir, store, roomId, room, emptied, load, joined, connect };
}

describe('Room: joining and syncing', () => {
  it('sends sync step 1 first; the client syncs the seeded starter code and nothing is stored', async () => {
    const { room, store, connect } = await openRoom({ language: 'javascript' });
    const ada = connect('Ada', 'interviewer').join();
    await until(() => ada.synced, 'Ada to sync');
    const first = ada.decoded[0];
    expect(first?.kind).toBe('sync-step1');
    expect(first?.kind === 'sync-step1' && Array.from(first.stateVector)).toEqual(Array.from(Y.encodeStateVector(room.doc)));
    expect(ada.text.toString()).toBe(STARTER_CODE.javascript);
    expect(ada.doc.getMap(RoomDocument.meta).get('language')).toBe('javascript');
    expect(room.doc.getText(RoomDocument.code).toString()).toBe(STARTER_CODE.javascript);
    expect(room.participantCount).toBe(1);
    // Syncing an empty client stores nothing: the seed is not written twice.
    expect(store.appended).toEqual([]);
  });

  it('two clients that joined see each other’s edits', async () => {
    const { joined } = await openRoom();
    const ada = await joined('Ada', 'interviewer');
    const cleo = await joined('Cleo', 'candidate');
    ada.text.insert(0, '# Ada\n');
    await until(() => cleo.text.toString().startsWith('# Ada\n'), 'Cleo to see Ada’s edit');
    cleo.text.insert(cleo.text.length, '# Cleo\n');
    await until(() => ada.text.toString().endsWith('# Cleo\n'), 'Ada to see Cleo’s edit');
    expect(ada.text.toString()).toBe(cleo.text.toString());
    expect(ada.text.toString()).toBe(`# Ada\n${STARTER_CODE.python}# Cleo\n`);
    // The author's own edits are not echoed back to it.
    expect(ada.relayedUpdates).toHaveLength(1);
    expect(cleo.relayedUpdates).toHaveLength(1);
  });
});

describe('Room: stored before relayed', () => {
  it('relays an edit from A to B only after the store’s appendUpdate resolved', async () => {
    const { store, joined } = await openRoom();
    const ada = await joined('Ada', 'interviewer');
    const cleo = await joined('Cleo', 'candidate');
    store.mode = 'hold';

    ada.text.insert(0, '# held\n');
    await until(() => store.held.length === 1, 'the write to start');
    // An event sent after the edit is relayed at once: once Cleo has it, the edit would have arrived too.
    ada.sendEvent(stop('marker'));
    await until(() => cleo.events.length === 1, 'the marker event');
    expect(cleo.relayedUpdates).toHaveLength(0);
    expect(cleo.text.toString()).toBe(STARTER_CODE.python);

    store.release();
    await until(() => cleo.text.toString().startsWith('# held\n'), 'Cleo to get the edit after the write');
    expect(cleo.relayedUpdates.map((f) => Array.from(f))).toEqual([Array.from(encodeDocumentUpdate(ada.sentUpdates[0]!))]);
    expect(ada.relayedUpdates).toHaveLength(0);
  });

  it('relays edits in the order they were made even when their writes finish in reverse', async () => {
    const { store, joined } = await openRoom();
    const ada = await joined('Ada', 'interviewer');
    const cleo = await joined('Cleo', 'candidate');
    store.mode = 'hold';
    ada.text.insert(0, 'one ');
    ada.text.insert(0, 'two ');
    ada.text.insert(0, 'three ');
    await until(() => store.held.length === 3, 'three writes');
    store.release([2]);
    store.release([1]);
    ada.sendEvent(stop('marker'));
    await until(() => cleo.events.length === 1, 'the marker event');
    expect(cleo.relayedUpdates).toHaveLength(0);
    store.release();
    await until(() => cleo.relayedUpdates.length === 3, 'all three edits');
    expect(cleo.relayedUpdates.map((f) => Array.from(f))).toEqual(ada.sentUpdates.map((u) => Array.from(encodeDocumentUpdate(u))));
    expect(cleo.text.toString()).toBe(ada.text.toString());
  });

  it('answers a joiner’s sync step 1 only after the edits still being stored', async () => {
    const { store, joined, connect } = await openRoom();
    const ada = await joined('Ada', 'interviewer');
    store.mode = 'hold';
    ada.text.insert(0, '# pending\n');
    await until(() => store.held.length === 1, 'the write to start');

    const bo = connect('Bo', 'candidate').join();
    // Bo's step 1 is handled before this event, which Ada receives at once.
    bo.sendEvent(stop('after-step-1'));
    await until(() => ada.events.length === 1, 'Bo’s marker event');
    expect(bo.decoded[0]?.kind).toBe('sync-step1');
    expect(bo.synced).toBe(false);
    expect(bo.text.toString()).toBe('');

    store.release();
    await until(() => bo.synced, 'Bo to sync');
    expect(bo.text.toString()).toBe(`# pending\n${STARTER_CODE.python}`);
  });

  it('stores each edit with its author’s role and name', async () => {
    const { store, dir, roomId, joined, load } = await openRoom();
    const ada = await joined('Ada', 'interviewer');
    const cleo = await joined('Cleo', 'candidate');
    ada.text.insert(0, 'A');
    await until(() => cleo.text.toString().startsWith('A'), 'Cleo to see A');
    cleo.text.insert(0, 'C');
    await until(() => ada.text.toString().startsWith('CA'), 'Ada to see C');

    expect(store.appended.map((r) => ({ roomId: r.roomId, author: r.author }))).toEqual([
      { roomId, author: { role: 'interviewer', name: 'Ada' } },
      { roomId, author: { role: 'candidate', name: 'Cleo' } },
    ]);
    expect(store.appended.map((r) => Array.from(r.update))).toEqual([Array.from(ada.sentUpdates[0]!), Array.from(cleo.sentUpdates[0]!)]);

    const db = new Database(join(dir, SQLITE_FILE), { readonly: true });
    try {
      const rows = db.prepare('SELECT author_role, author_name FROM updates WHERE room_id = ? ORDER BY seq').all(roomId);
      expect(rows).toEqual([
        { author_role: null, author_name: null },
        { author_role: 'interviewer', author_name: 'Ada' },
        { author_role: 'candidate', author_name: 'Cleo' },
      ]);
    } finally {
      db.close();
    }
    // What was stored rebuilds the same document.
    const reloaded = await load();
    expect(reloaded.doc.getText(RoomDocument.code).toString()).toBe(ada.text.toString());
  });
});

describe('Room: refusals close only the offending connection', () => {
  /** Checks that the offender alone was closed, and that the room, the other client and storage are as before. */
  async function expectOnlyClosed(
    setup: Awaited<ReturnType<typeof openRoom>>,
    offender: TestClient,
    bystander: TestClient,
    code: number,
    reason: RegExp,
    textBefore: string,
  ) {
    await until(() => offender.closed !== null, 'the offender to be closed');
    expect(offender.closed?.code).toBe(code);
    expect(offender.closed?.reason).toMatch(reason);
    expect(bystander.closed).toBeNull();
    expect(setup.room.participantCount).toBe(1);
    expect(setup.room.doc.getText(RoomDocument.code).toString()).toBe(textBefore);
    expect(setup.store.appended).toEqual([]);
    // The bystander's edits are still stored and the room still works.
    bystander.text.insert(0, '# still here\n');
    await until(() => setup.store.appendedSeqs.length === 1, 'the bystander’s edit to be stored');
    expect(setup.store.appended[0]?.author).toEqual({ role: bystander.role, name: bystander.name });
    expect(setup.room.doc.getText(RoomDocument.code).toString()).toBe(`# still here\n${textBefore}`);
    expect(bystander.relayedUpdates).toHaveLength(0);
    const doc = await setup.store.loadDocument(setup.roomId);
    expect(doc.updates).toHaveLength(2);
    expect(setup.emptied).toEqual([]);
  }

  it('closes a connection that sends a frame that does not decode with BadMessage', async () => {
    const setup = await openRoom();
    const ada = await setup.joined('Ada', 'interviewer');
    const cleo = await setup.joined('Cleo', 'candidate');
    ada.send(Uint8Array.of(0xff, 0xff));
    await expectOnlyClosed(setup, ada, cleo, CloseCode.BadMessage, /malformed frame/, STARTER_CODE.python);
  });

  it('closes a connection that sends a type clients may not send', async () => {
    const setup = await openRoom();
    const ada = await setup.joined('Ada', 'interviewer');
    const cleo = await setup.joined('Cleo', 'candidate');
    ada.send(Uint8Array.of(MessageType.Auth, 0));
    await expectOnlyClosed(setup, ada, cleo, CloseCode.BadMessage, /message type 2/, STARTER_CODE.python);
  });

  it('closes a connection that sends a frame over the limit with MessageTooLarge, naming the limit', async () => {
    const setup = await openRoom({ maxMessageBytes: 2048 });
    const ada = await setup.joined('Ada', 'interviewer');
    const cleo = await setup.joined('Cleo', 'candidate');
    ada.text.insert(0, 'x'.repeat(3000));
    await expectOnlyClosed(setup, ada, cleo, CloseCode.MessageTooLarge, /exceeds the limit of 2048/, STARTER_CODE.python);
  });

  it('accepts a frame of exactly the limit and refuses one byte more', async () => {
    const limit = 2048;
    const setup = await openRoom({ maxMessageBytes: limit });
    const ada = await setup.joined('Ada', 'interviewer');
    const cleo = await setup.joined('Cleo', 'candidate');
    const frameOfSize = (size: number) => {
      for (let pad = size; pad > 0; pad--) {
        const frame = rawEventFrame({ ...stop('r'), pad: 'p'.repeat(pad) });
        if (frame.byteLength === size) return frame;
      }
      throw new Error(`no frame of ${size} bytes`);
    };
    ada.send(frameOfSize(limit));
    await until(() => cleo.events.length === 1, 'the event at the limit');
    expect(ada.closed).toBeNull();
    ada.send(frameOfSize(limit + 1));
    await until(() => ada.closed !== null, 'the frame over the limit to be refused');
    expect(ada.closed?.code).toBe(CloseCode.MessageTooLarge);
    expect(cleo.events).toHaveLength(1);
  });

  it('closes a connection whose update does not apply, leaving the document and storage untouched', async () => {
    const setup = await openRoom();
    const ada = await setup.joined('Ada', 'interviewer');
    const cleo = await setup.joined('Cleo', 'candidate');
    ada.send(encodeDocumentUpdate(Uint8Array.of(1, 2, 3)));
    await expectOnlyClosed(setup, ada, cleo, CloseCode.BadMessage, /document update does not apply/, STARTER_CODE.python);
  });

  it('refuses a truncated update whole instead of applying the part that decodes', async () => {
    const setup = await openRoom();
    const ada = await setup.joined('Ada', 'interviewer');
    const cleo = await setup.joined('Cleo', 'candidate');
    // A valid edit made on a copy of Ada's document, cut short by one byte:
    // its inserted text decodes, its delete set does not.
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(ada.doc));
    let edit: Uint8Array | null = null;
    copy.on('update', (u: Uint8Array) => (edit = u));
    copy.getText(RoomDocument.code).insert(0, 'HALF ');
    copy.destroy();
    ada.send(encodeDocumentUpdate(edit!.subarray(0, edit!.length - 1)));
    await expectOnlyClosed(setup, ada, cleo, CloseCode.BadMessage, /document update does not apply/, STARTER_CODE.python);
    expect(cleo.text.toString()).not.toContain('HALF');
  });

  it('closes a connection that sends an invalid event, naming the field, and relays nothing', async () => {
    const setup = await openRoom();
    const ada = await setup.joined('Ada', 'interviewer');
    const cleo = await setup.joined('Cleo', 'candidate');
    ada.sendEvent(execute('run-1', { language: 'ruby' }));
    await expectOnlyClosed(setup, ada, cleo, CloseCode.BadMessage, /payload\.language/, STARTER_CODE.python);
    expect(cleo.events).toEqual([]);
  });

  it('ignores frames that arrive from a connection after it was closed', async () => {
    const setup = await openRoom();
    const ada = await setup.joined('Ada', 'interviewer');
    const cleo = await setup.joined('Cleo', 'candidate');
    ada.send(Uint8Array.of(0xff, 0xff));
    await until(() => ada.closed !== null, 'Ada to be closed');
    ada.text.insert(0, 'after close');
    ada.sendEvent(stop('after-close'));
    // Cleo's own traffic is answered, so anything Ada sent before it has been handled by now.
    cleo.send(Uint8Array.of(MessageType.QueryAwareness));
    const before = cleo.awarenessFrames.length;
    await until(() => cleo.awarenessFrames.length > before, 'Cleo’s query to be answered');
    expect(setup.store.appended).toEqual([]);
    expect(cleo.events).toEqual([]);
    expect(setup.room.doc.getText(RoomDocument.code).toString()).toBe(STARTER_CODE.python);
  });
});

describe('Room: awareness', () => {
  it('relays presence to the others and back to the sender, and removes it for the others when the sender leaves', async () => {
    const { room, joined } = await openRoom();
    const ada = await joined('Ada', 'interviewer');
    const cleo = await joined('Cleo', 'candidate');
    ada.publish({ name: 'Ada', role: 'interviewer' });
    await until(() => cleo.userName(ada.doc.clientID) === 'Ada', 'Cleo to see Ada');
    await until(() => ada.awarenessFrames.some((u) => awarenessClientIds(u).includes(ada.doc.clientID)), 'Ada to hear her own presence');
    expect(room.awareness.getStates().has(ada.doc.clientID)).toBe(true);

    ada.leave();
    await until(() => !cleo.awareness.getStates().has(ada.doc.clientID), 'Ada’s presence to disappear for Cleo');
    expect(room.awareness.getStates().has(ada.doc.clientID)).toBe(false);
  });

  it('sends a joiner the presence of everyone already there', async () => {
    const { connect, joined } = await openRoom();
    const ada = await joined('Ada', 'interviewer');
    ada.publish({ name: 'Ada', role: 'interviewer' });
    await until(() => ada.awarenessFrames.length > 0, 'Ada’s presence to reach the room');
    const bo = connect('Bo', 'candidate').join();
    await until(() => bo.userName(ada.doc.clientID) === 'Ada', 'Bo to see Ada');
    // Sent on join, right after the relay's sync step 1.
    expect(bo.decoded[1]?.kind).toBe('awareness');
  });

  it('answers query-awareness with every state', async () => {
    const { joined } = await openRoom();
    const ada = await joined('Ada', 'interviewer');
    const cleo = await joined('Cleo', 'candidate');
    ada.publish({ name: 'Ada' });
    cleo.publish({ name: 'Cleo' });
    await until(() => cleo.userName(ada.doc.clientID) === 'Ada' && ada.userName(cleo.doc.clientID) === 'Cleo', 'both to see both');
    const before = cleo.awarenessFrames.length;
    cleo.send(Uint8Array.of(MessageType.QueryAwareness));
    await until(() => cleo.awarenessFrames.length > before, 'the answer');
    expect(awarenessClientIds(cleo.awarenessFrames.at(-1)!).sort()).toEqual([ada.doc.clientID, cleo.doc.clientID].sort());
  });

  it('refuses a malformed awareness update whole, then removes what the sender had published', async () => {
    const { room, joined } = await openRoom();
    const ada = await joined('Ada', 'interviewer');
    const cleo = await joined('Cleo', 'candidate');
    ada.publish({ name: 'Ada' });
    await until(() => cleo.userName(ada.doc.clientID) === 'Ada', 'Cleo to see Ada');

    const ghost = 424242;
    // The first entry is fine; the second is not JSON. Nothing of it may be applied.
    ada.send(
      encodeAwarenessFrame(
        awarenessUpdate([
          { clientId: ghost, clock: 1, json: JSON.stringify({ user: { name: 'Ghost' } }) },
          { clientId: ghost + 1, clock: 1, json: '{"user":' },
        ]),
      ),
    );
    await until(() => ada.closed !== null, 'Ada to be closed');
    expect(ada.closed).toEqual({ code: CloseCode.BadMessage, reason: expect.stringMatching(/malformed awareness update/) });
    expect(room.awareness.getStates().has(ghost)).toBe(false);
    await until(() => !cleo.awareness.getStates().has(ada.doc.clientID), 'Ada’s presence to be removed');
    expect(cleo.awareness.getStates().has(ghost)).toBe(false);
    expect(cleo.closed).toBeNull();
  });

  it.each([
    ['a state that is not an object', awarenessUpdate([{ clientId: 5, clock: 1, json: '[1,2]' }]), /must be an object or null/],
    ['more entries than it carries', awarenessUpdate([{ clientId: 5, clock: 1, json: '{}' }], 2), /malformed awareness update/],
    ['trailing bytes', Uint8Array.from([...awarenessUpdate([{ clientId: 5, clock: 1, json: '{}' }]), 0]), /trailing bytes/],
    ['too many entries', awarenessUpdate(Array.from({ length: 257 }, (_, i) => ({ clientId: i + 1, clock: 1, json: '{}' }))), /257 entries/],
  ])('refuses an awareness update with %s', async (_name, update, reason) => {
    const { room, joined } = await openRoom();
    const ada = await joined('Ada', 'interviewer');
    const cleo = await joined('Cleo', 'candidate');
    ada.send(encodeAwarenessFrame(update));
    await until(() => ada.closed !== null, 'Ada to be closed');
    expect(ada.closed?.code).toBe(CloseCode.BadMessage);
    expect(ada.closed?.reason).toMatch(reason);
    expect(room.awareness.getStates().has(5)).toBe(false);
    expect(cleo.closed).toBeNull();
    expect(cleo.awarenessFrames).toEqual([]);
  });
});

describe('Room: room events', () => {
  it('stamps execute-code with the sender’s name and role, overwriting what it claimed, and does not echo it', async () => {
    const { joined } = await openRoom();
    const cleo = await joined('Cleo', 'candidate');
    const ada = await joined('Ada', 'interviewer');
    cleo.sendEvent(execute('run-1', { by: { name: 'Ada', role: 'interviewer' } }));
    await until(() => ada.events.length === 1, 'Ada to get the run');
    expect(ada.events[0]).toEqual({
      type: 'execute-code',
      payload: { runId: 'run-1', language: 'python', code: 'print("hi")', by: { name: 'Cleo', role: 'candidate' } },
    });
    // Relayed to every connection in one pass: had Cleo been sent it, she would have it by now.
    expect(cleo.events).toEqual([]);

    cleo.sendEvent(execute('run-2'));
    await until(() => ada.events.length === 2, 'the second run');
    expect(ada.events[1]?.type === 'execute-code' && ada.events[1].payload.by).toEqual({ name: 'Cleo', role: 'candidate' });
  });

  it('relays output, results and stops unchanged to the others only', async () => {
    const { joined } = await openRoom();
    const cleo = await joined('Cleo', 'candidate');
    const ada = await joined('Ada', 'interviewer');
    const bo = await joined('Bo', 'candidate');
    const events = [output('run-1', 'hi\n'), output('run-1', 'err', 'stderr'), result('run-1'), stop('run-1')];
    for (const event of events) cleo.sendEvent({ ...event, junk: true });
    await until(() => ada.events.length === 4 && bo.events.length === 4, 'the events');
    expect(ada.events).toEqual(events);
    expect(bo.events).toEqual(events);
    expect(cleo.events).toEqual([]);
  });

  it('replays the latest run to a late joiner: its start, its merged output, its result; output of other runs is not kept', async () => {
    const { joined, connect } = await openRoom();
    const cleo = await joined('Cleo', 'candidate');
    const ada = await joined('Ada', 'interviewer');
    cleo.sendEvent(execute('run-0'));
    cleo.sendEvent(result('run-0'));
    cleo.sendEvent(execute('run-1', { by: { name: 'Mallory', role: 'interviewer' } }));
    cleo.sendEvent(output('run-1', 'a'));
    cleo.sendEvent(output('run-1', 'b'));
    cleo.sendEvent(output('run-0', 'late output of the previous run'));
    cleo.sendEvent(output('run-1', 'E', 'stderr'));
    cleo.sendEvent(result('run-0'));
    cleo.sendEvent(result('run-1'));
    await until(() => ada.events.length === 9, 'Ada to get every event live');

    const bo = connect('Bo', 'candidate').join();
    await until(() => bo.synced, 'Bo to sync');
    expect(bo.events).toEqual([
      {
        type: 'execute-code',
        payload: { runId: 'run-1', language: 'python', code: 'print("hi")', by: { name: 'Cleo', role: 'candidate' } },
      },
      output('run-1', 'ab'),
      output('run-1', 'E', 'stderr'),
      result('run-1'),
    ]);
  });

  it('replays a run still in progress, and the latest run after the room is reloaded from storage', async () => {
    const { store, roomId, joined, connect, load } = await openRoom();
    const cleo = await joined('Cleo', 'candidate');
    const ada = await joined('Ada', 'interviewer');
    cleo.sendEvent(execute('run-1'));
    cleo.sendEvent(output('run-1', 'partial'));
    await until(() => ada.events.length === 2, 'the live events');
    const early = connect('Early', 'candidate').join();
    await until(() => early.synced, 'Early to sync');
    expect(early.events.map((e) => e.type)).toEqual(['execute-code', 'execution-output']);

    cleo.sendEvent(output('run-1', ' done'));
    cleo.sendEvent(result('run-1'));
    await until(() => ada.events.length === 4, 'the end of the run');
    const isFinished = (run: StoredRun | null) => run?.result?.payload.runId === 'run-1';
    await vi.waitFor(async () => expect(isFinished(await store.loadLatestRun(roomId))).toBe(true));

    const reloaded = await load();
    const late = connect('Late', 'interviewer', reloaded).join();
    await until(() => late.synced, 'Late to sync');
    expect(late.events).toEqual([
      {
        type: 'execute-code',
        payload: { runId: 'run-1', language: 'python', code: 'print("hi")', by: { name: 'Cleo', role: 'candidate' } },
      },
      output('run-1', 'partial done'),
      result('run-1'),
    ]);
  });
});

describe('Room: runs whose runner is gone', () => {
  it('ends the run as stopped for everyone when its runner leaves mid-run', async () => {
    const { joined, connect, store, roomId } = await openRoom();
    const cleo = await joined('Cleo', 'candidate');
    const ada = await joined('Ada', 'interviewer');
    cleo.sendEvent(execute('run-1'));
    cleo.sendEvent(output('run-1', 'partial'));
    await until(() => ada.events.length === 2, 'the live events');
    cleo.leave();
    await until(() => ada.events.length === 3, 'the run to end');
    expect(ada.events[2]).toEqual({
      type: 'execution-result',
      payload: { runId: 'run-1', output: 'partial', error: 'The run was interrupted: Cleo left the room.', status: 'stopped' },
    });
    const late = connect('Late', 'candidate').join();
    await until(() => late.synced, 'Late to sync');
    expect(late.events.at(-1)?.type).toBe('execution-result');
    await vi.waitFor(async () => expect((await store.loadLatestRun(roomId))?.result?.payload.status).toBe('stopped'));
  });

  it('leaves a finished run alone when its runner leaves, and ignores others leaving', async () => {
    const { joined } = await openRoom();
    const cleo = await joined('Cleo', 'candidate');
    const ada = await joined('Ada', 'interviewer');
    const bo = await joined('Bo', 'candidate');
    cleo.sendEvent(execute('run-1'));
    await until(() => ada.events.length === 1, 'the start');
    bo.leave();
    cleo.sendEvent(result('run-1'));
    await until(() => ada.events.length === 2, 'the result');
    cleo.leave();
    const marker = await joined('Marker', 'candidate');
    expect(marker.events.map((e) => e.type)).toEqual(['execute-code', 'execution-result']);
    expect(ada.events).toHaveLength(2);
  });

  it('ends an unfinished stored run when the room is loaded again after a restart', async () => {
    const { joined, connect, load } = await openRoom();
    const cleo = await joined('Cleo', 'candidate');
    const ada = await joined('Ada', 'interviewer');
    cleo.sendEvent(execute('run-1'));
    await until(() => ada.events.length === 1, 'the start');
    const reloaded = await load();
    const late = connect('Late', 'interviewer', reloaded).join();
    await until(() => late.synced, 'Late to sync');
    expect(late.events.at(-1)).toMatchObject({
      type: 'execution-result',
      payload: { runId: 'run-1', status: 'stopped', error: 'The run was interrupted: the server restarted.' },
    });
  });
});

describe('Room: lifecycle and storage', () => {
  it('calls onEmpty once, when the last participant leaves', async () => {
    const { room, emptied, joined } = await openRoom();
    const ada = await joined('Ada', 'interviewer');
    const cleo = await joined('Cleo', 'candidate');
    ada.leave();
    expect(emptied).toEqual([]);
    expect(room.closed).toBe(false);
    cleo.leave();
    expect(emptied).toEqual([room]);
    expect(room.closed).toBe(true);
    cleo.leave();
    expect(emptied).toHaveLength(1);
    expect(() => room.join(new TestClient(room, 'Late', 'candidate').connection)).toThrow(/closed/);
  });

  it('counts a refused participant as leaving', async () => {
    const { room, emptied, joined } = await openRoom();
    const ada = await joined('Ada', 'interviewer');
    ada.send(Uint8Array.of(0xff, 0xff));
    await until(() => ada.closed !== null, 'Ada to be closed');
    expect(emptied).toEqual([room]);
  });

  it('writes a snapshot after snapshotEvery stored updates; snapshot plus later updates reload the same text', async () => {
    const { store, roomId, joined, load } = await openRoom({ snapshotEvery: 3 });
    const ada = await joined('Ada', 'interviewer');
    const cleo = await joined('Cleo', 'candidate');
    const edit = async (text: string) => {
      const relayed = cleo.relayedUpdates.length;
      ada.text.insert(ada.text.length, text);
      await until(() => cleo.relayedUpdates.length === relayed + 1, `Cleo to get "${text}"`);
    };

    // The seed loaded with the room is the first of the three.
    await edit('# one\n');
    expect(store.snapshots).toEqual([]);
    await edit('# two\n');
    await until(() => store.snapshots.length === 1, 'the snapshot');
    const textAtSnapshot = ada.text.toString();
    expect(store.snapshots[0]!.throughSeq).toBe(store.appendedSeqs[1]);
    const fromSnapshot = new Y.Doc();
    Y.applyUpdate(fromSnapshot, store.snapshots[0]!.state);
    expect(fromSnapshot.getText(RoomDocument.code).toString()).toBe(textAtSnapshot);

    await edit('# three\n');
    await edit('# four\n');
    expect(store.snapshots).toHaveLength(1);
    const stored = await store.loadDocument(roomId);
    expect(stored.snapshot).not.toBeNull();
    expect(stored.updates).toHaveLength(2);
    expect(stored.lastSeq).toBe(store.appendedSeqs[3]);

    const reloaded = await load();
    const expected = `${STARTER_CODE.python}# one\n# two\n# three\n# four\n`;
    expect(ada.text.toString()).toBe(expected);
    expect(reloaded.doc.getText(RoomDocument.code).toString()).toBe(expected);
    expect(reloaded.doc.getMap(RoomDocument.meta).get('language')).toBe('python');

    // The third update after the snapshot (counting the two loaded with it) writes the next one.
    const bo = await joined('Bo', 'candidate', reloaded);
    expect(bo.text.toString()).toBe(expected);
    bo.text.insert(0, '# five\n');
    await until(() => store.snapshots.length === 2, 'the second snapshot');
    expect(store.snapshots[1]!.throughSeq).toBe(store.appendedSeqs[4]);
  });

  it('writes a final snapshot when it unloads', async () => {
    const { room, store, roomId, joined } = await openRoom();
    const ada = await joined('Ada', 'interviewer');
    ada.text.insert(0, '# before unload\n');
    await until(() => store.appendedSeqs.length === 1, 'the edit to be stored');
    ada.leave();
    await room.unload();
    const stored = await store.loadDocument(roomId);
    expect(stored.updates).toEqual([]);
    expect(stored.lastSeq).toBe(store.appendedSeqs[0]);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, stored.snapshot!);
    expect(doc.getText(RoomDocument.code).toString()).toBe(`# before unload\n${STARTER_CODE.python}`);
  });

  it('closes every connection with StorageFailure when an update cannot be stored, relaying nothing', async () => {
    const { room, store, emptied, joined } = await openRoom();
    const ada = await joined('Ada', 'interviewer');
    const cleo = await joined('Cleo', 'candidate');
    store.mode = 'fail';
    ada.text.insert(0, '# lost\n');
    await until(() => ada.closed !== null && cleo.closed !== null, 'both to be closed');
    expect(ada.closed?.code).toBe(CloseCode.StorageFailure);
    expect(cleo.closed?.code).toBe(CloseCode.StorageFailure);
    expect(cleo.relayedUpdates).toEqual([]);
    expect(cleo.text.toString()).toBe(STARTER_CODE.python);
    expect(emptied).toEqual([room]);
    expect(room.participantCount).toBe(0);
  });

  it('delivers what was stored, then closes everyone, when a later write fails while an earlier one is in flight', async () => {
    const { store, joined } = await openRoom();
    const ada = await joined('Ada', 'interviewer');
    const cleo = await joined('Cleo', 'candidate');
    store.mode = 'hold';
    ada.text.insert(0, '# stored\n');
    await until(() => store.held.length === 1, 'the first write');
    store.mode = 'fail';
    ada.text.insert(0, '# lost\n');
    await until(() => store.appended.length === 2, 'the second write to be attempted');
    store.release();
    await until(() => ada.closed !== null && cleo.closed !== null, 'both to be closed');
    expect(cleo.closed?.code).toBe(CloseCode.StorageFailure);
    expect(cleo.text.toString()).toBe(`# stored\n${STARTER_CODE.python}`);
    expect(cleo.relayedUpdates).toHaveLength(1);
  });
});

describe('Room: document channels and rights', () => {
  const statementOf = (doc: Y.Doc) => doc.getText(ChannelText.statement);

  it('relays an interviewer’s statement edit to a candidate, stored in the statement channel only', async () => {
    const { store, roomId, joined } = await openRoom({ channel: 'statement' });
    const ada = await joined('Ada', 'interviewer');
    const cleo = await joined('Cleo', 'candidate');
    // A new statement channel is empty: the seed belongs to the main document.
    expect(statementOf(cleo.doc).toString()).toBe('');
    expect(cleo.doc.getText(RoomDocument.code).toString()).toBe('');

    statementOf(ada.doc).insert(0, '# Two sum\n');
    await until(() => statementOf(cleo.doc).toString() === '# Two sum\n', 'Cleo to see the statement');
    expect(store.appended.map((r) => ({ roomId: r.roomId, channel: r.channel, author: r.author }))).toEqual([
      { roomId, channel: 'statement', author: { role: 'interviewer', name: 'Ada' } },
    ]);
    expect((await store.inner.loadDocument(roomId, 'statement')).updates).toHaveLength(1);
    expect((await store.inner.loadDocument(roomId)).updates).toHaveLength(1); // the seed alone
  });

  it('drops a candidate’s statement update: not applied, not stored, not relayed, and the socket stays open', async () => {
    const { room, store, roomId, joined, load } = await openRoom({ channel: 'statement' });
    const ada = await joined('Ada', 'interviewer');
    statementOf(ada.doc).insert(0, 'Original statement');
    await until(() => store.appendedSeqs.length === 1, 'the interviewer’s edit to be stored');
    const cleo = await joined('Cleo', 'candidate');
    const bo = await joined('Bo', 'interviewer');
    await until(() => statementOf(cleo.doc).toString() === 'Original statement', 'Cleo to sync');
    const before = Y.encodeStateAsUpdate(room.doc);
    const appendedBefore = store.appended.length;

    statementOf(cleo.doc).insert(0, 'HACKED ');
    expect(cleo.sentUpdates).toHaveLength(1);
    // Cleo's presence, sent after the update on the same socket, reaches Ada: the update was handled by then.
    cleo.publish({ name: 'Cleo', role: 'candidate' });
    await until(() => [...ada.awareness.getStates().keys()].some((id) => ada.userName(id) === 'Cleo'), 'Cleo’s presence at Ada');

    expect(Array.from(Y.encodeStateAsUpdate(room.doc))).toEqual(Array.from(before));
    expect(room.doc.getText(ChannelText.statement).toString()).toBe('Original statement');
    expect(store.appended).toHaveLength(appendedBefore);
    for (const other of [ada, bo]) {
      expect(other.relayedUpdates).toHaveLength(0);
      expect(statementOf(other.doc).toString()).toBe('Original statement');
    }
    expect(cleo.closed).toBeNull();
    expect(room.participantCount).toBe(3);

    // Later interviewer edits still flow, to Cleo too.
    statementOf(ada.doc).insert(statementOf(ada.doc).length, '!');
    await until(() => statementOf(bo.doc).toString() === 'Original statement!', 'Bo to see Ada’s edit');
    await until(() => statementOf(cleo.doc).toString().endsWith('Original statement!'), 'Cleo to see Ada’s edit');
    // Storage rebuilds the statement without Cleo's text.
    const reloaded = await load();
    expect(reloaded.doc.getText(ChannelText.statement).toString()).toBe('Original statement!');
    expect((await store.inner.loadDocument(roomId, 'statement')).updates).toHaveLength(2);
  });

  it('drops a candidate’s sync step 2 carrying offline edits, the way a stock client sends it on connect', async () => {
    const { room, store, connect } = await openRoom({ channel: 'statement' });
    const cleo = connect('Cleo', 'candidate');
    // Written without being sent: it travels in the step 2 that answers the server's step 1.
    cleo.doc.transact(() => statementOf(cleo.doc).insert(0, 'written offline'), FROM_RELAY);
    cleo.join();
    await until(() => cleo.synced, 'Cleo to sync');
    cleo.publish({ name: 'Cleo' });
    await until(() => cleo.awarenessFrames.length > 0, 'the awareness echo, after the step 2 was handled');
    expect(room.doc.getText(ChannelText.statement).toString()).toBe('');
    expect(store.appended).toEqual([]);
    expect(cleo.closed).toBeNull();
  });

  it('lets the candidate write the main channel', async () => {
    const { store, joined } = await openRoom({ channel: 'main' });
    const ada = await joined('Ada', 'interviewer');
    const cleo = await joined('Cleo', 'candidate');
    cleo.text.insert(0, '# mine\n');
    await until(() => ada.text.toString().startsWith('# mine\n'), 'Ada to see Cleo’s code');
    expect(store.appended.map((r) => r.channel)).toEqual(['main']);
  });

  it('refuses a candidate on the notes channel with Forbidden before sending anything, and the room empties', async () => {
    const { room, emptied, connect } = await openRoom({ channel: 'notes' });
    const cleo = connect('Cleo', 'candidate');
    room.join(cleo.connection);
    expect(cleo.closed?.code).toBe(CloseCode.Forbidden);
    expect(cleo.closed?.reason).toMatch(/candidate may not open the notes channel/);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(cleo.frames).toEqual([]);
    expect(room.participantCount).toBe(0);
    expect(emptied).toEqual([room]);
  });

  it('stores interviewers’ notes in the notes channel and relays them to other interviewers', async () => {
    const { store, roomId, joined } = await openRoom({ channel: 'notes' });
    const ada = await joined('Ada', 'interviewer');
    const bo = await joined('Bo', 'interviewer');
    ada.doc.getText(ChannelText.notes).insert(0, 'strong on recursion');
    await until(() => bo.doc.getText(ChannelText.notes).toString() === 'strong on recursion', 'Bo to see the note');
    expect(store.appended.map((r) => r.channel)).toEqual(['notes']);
    expect((await store.inner.loadDocument(roomId, 'notes')).updates).toHaveLength(1);
    expect((await store.inner.loadDocument(roomId, 'statement')).updates).toHaveLength(0);
  });

  it('refuses room events outside the main channel with BadMessage and neither relays nor replays them', async () => {
    const { room, joined } = await openRoom({ channel: 'statement' });
    const ada = await joined('Ada', 'interviewer');
    const bo = await joined('Bo', 'interviewer');
    ada.sendEvent(execute('run-1'));
    await until(() => ada.closed !== null, 'Ada to be refused');
    expect(ada.closed).toEqual({ code: CloseCode.BadMessage, reason: expect.stringMatching(/main channel only/) });
    expect(bo.events).toEqual([]);
    const late = await joined('Late', 'interviewer');
    expect(late.events).toEqual([]);
    expect(room.participantCount).toBe(2);
  });

  it('gives canWrite from the channel rights', async () => {
    const statement = await openRoom({ channel: 'statement' });
    const main = await openRoom();
    const candidate = statement.connect('Cleo', 'candidate').connection;
    const interviewer = statement.connect('Ada', 'interviewer').connection;
    expect(statement.room.canWrite(candidate)).toBe(false);
    expect(statement.room.canWrite(interviewer)).toBe(true);
    expect(main.room.canWrite(candidate)).toBe(true);
    expect(statement.room.channel).toBe('statement');
    expect(main.room.channel).toBe('main');
  });
});
