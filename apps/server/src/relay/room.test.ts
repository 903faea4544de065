import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import {
  ChannelText,
  CloseCode,
  encodeAwarenessFrame,
  encodeDocumentUpdate,
  encodeSyncStep1,
  MessageType,
  RecordLimits,
  RoomDocument,
  STARTER_CODE,
  type DocumentChannel,
  type Language,
  type Role,
} from '@interview/protocol';
import { seedUpdate } from '../rooms/room-seed.js';
import { hashToken, newRoomId } from '../rooms/tokens.js';
import type { RoomStore, StoredRun, UpdateRecord } from '../storage/room-store.js';
import { SQLITE_FILE, SqliteRoomStore } from '../storage/sqlite-store.js';
import { RUNS_CLOSED } from './ended-room.js';
import { MessageRateLimit } from './message-rate-limit.js';
import { Room, type RoomLimits } from './room.js';
import {
  awarenessClientIds,
  awarenessUpdate,
  execute,
  FROM_RELAY,
  output,
  rawEventFrame,
  recordingLogger,
  result,
  stop,
  TestClient,
  until,
  type LogEntry,
} from './room-test-kit.js';


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
  /** When set, every write of the room's record (runs, signals, attendance, latest run) fails. */
  failRecords = false;

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
  saveLatestRun: RoomStore['saveLatestRun'] = (roomId, run) => this.record(() => this.inner.saveLatestRun(roomId, run));
  loadLatestRun: RoomStore['loadLatestRun'] = (roomId) => this.inner.loadLatestRun(roomId);
  setRoomStatus: RoomStore['setRoomStatus'] = (roomId, ended) => this.inner.setRoomStatus(roomId, ended);
  listRuns: RoomStore['listRuns'] = (roomId) => this.inner.listRuns(roomId);
  endUnfinishedRuns: RoomStore['endUnfinishedRuns'] = (roomId, at, error) => this.inner.endUnfinishedRuns(roomId, at, error);
  listSignals: RoomStore['listSignals'] = (roomId) => this.inner.listSignals(roomId);
  listParticipants: RoomStore['listParticipants'] = (roomId) => this.inner.listParticipants(roomId);
  saveRun: RoomStore['saveRun'] = (roomId, run) => this.record(() => this.inner.saveRun(roomId, run));
  appendSignal: RoomStore['appendSignal'] = (roomId, signal) => this.record(() => this.inner.appendSignal(roomId, signal));
  recordJoin: RoomStore['recordJoin'] = (roomId, participant) => this.record(() => this.inner.recordJoin(roomId, participant));
  recordLeave: RoomStore['recordLeave'] = (roomId, id, leftAt) => this.record(() => this.inner.recordLeave(roomId, id, leftAt));
  ping: RoomStore['ping'] = () => this.inner.ping();
  close: RoomStore['close'] = () => this.inner.close();

  private record<T>(write: () => Promise<T>): Promise<T> {
    return this.failRecords ? Promise.reject(new Error('record disk on fire')) : write();
  }
}


interface Setup {
  channel?: DocumentChannel;
  language?: Language;
  maxMessageBytes?: number;
  snapshotEvery?: number;
  clock?: () => Date;
  limits?: Partial<RoomLimits>;
}


let cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

/** A room created with a seed in a fresh SQLite store on a temp dir, loaded as the relay loads it. */
async function openRoom({ channel, language = 'python', maxMessageBytes = 64 * 1024, snapshotEvery = 500, clock, limits }: Setup = {}) {
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
      ended: null,
    },
    seedUpdate(language),
  );
  const emptied: Room[] = [];
  const rooms: Room[] = [];
  const clients: TestClient[] = [];
  const logs: LogEntry[] = [];

  const load = async (target: DocumentChannel | undefined = channel): Promise<Room> => {
    const room = await Room.load(roomId, {
      channel: target,
      store,
      logger: recordingLogger(logs),
      maxMessageBytes,
      snapshotEvery,
      onEmpty: (r) => emptied.push(r),
      ...(clock ? { clock } : {}),
      ...(limits ? { limits } : {}),
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
  const connect = (name: string, role: Role, target: Room = room, rate: MessageRateLimit | null = null): TestClient => {
    const client = new TestClient(target, name, role, rate);
    clients.push(client);
    return client;
  };

  return { dir, store, roomId, room, emptied, logs, load, joined, connect };
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

  it('answers a participant’s own sync step 1 mid-session only after its earlier edits are stored: the client’s save receipt', async () => {
    const { store, joined } = await openRoom();
    const ada = await joined('Ada', 'interviewer');
    const cleo = await joined('Cleo', 'candidate');
    const stepsBefore = ada.decoded.filter((frame) => frame.kind === 'update').length;
    store.mode = 'hold';
    ada.text.insert(0, '# unsaved\n');
    await until(() => store.held.length === 1, 'the write to start');
    ada.send(encodeSyncStep1(Y.encodeStateVector(ada.doc)));
    // Events are relayed at once: once Cleo has Ada's marker, the relay has handled her step 1 too.
    ada.sendEvent(stop('after-step-1'));
    await until(() => cleo.events.length === 1, 'Ada’s marker event');
    expect(ada.decoded.filter((frame) => frame.kind === 'update')).toHaveLength(stepsBefore);

    store.release();
    await until(() => ada.decoded.filter((frame) => frame.kind === 'update').length === stepsBefore + 1, 'the answer to Ada’s step 1');
    expect(store.held).toHaveLength(0);
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
    await expectOnlyClosed(setup, ada, cleo, CloseCode.BadMessage, /document update does not decode/, STARTER_CODE.python);
  });

  it('refuses an update holding an empty item before it reaches the document, which would stop storing and relaying', async () => {
    const setup = await openRoom();
    const ada = await setup.joined('Ada', 'interviewer');
    const cleo = await setup.joined('Cleo', 'candidate');
    // Found by the fuzz test: a 39-byte sync update whose item has length 0.
    cleo.send(Buffer.from('0002240102f797b99f0900010104636f64650084f797b99f090003efbfbd01f797b99f09010001', 'hex'));
    await expectOnlyClosed(setup, cleo, ada, CloseCode.BadMessage, /empty item/, STARTER_CODE.python);
  });

  it('stores and relays nothing of an update that throws halfway through applying, and reloads the room from storage', async () => {
    const setup = await openRoom();
    const ada = await setup.joined('Ada', 'interviewer');
    const cleo = await setup.joined('Cleo', 'candidate');
    ada.text.insert(0, '# before\n');
    await until(() => setup.store.appendedSeqs.length === 1 && cleo.text.toString().startsWith('# before\n'), 'a first edit stored and relayed');
    const relayedBefore = ada.relayedUpdates.length;
    // Found by the fuzz test: it decodes, then throws after Yjs integrated part of it (a meta key "-d09").
    cleo.send(
      Buffer.from(
        '00019601010ae3bdfb73002701046d657461042d643039012700e3bdfb731005696e6e6572020400e3bdfb730108f09f9982f09f9a802700e3bdfb7300056172726179000800e3bdfb7306037d01770374776f7e2701046d657461046e6e3170012700e3bdfb730a05696e7e6572020400e3bdfb730b04f48fbfbf2700e3bdfb730a052172726179000800e3bdfb730e037d01770374776f7e00',
        'hex',
      ),
    );
    await until(() => cleo.closed !== null && ada.closed !== null, 'both connections to be closed');
    expect(cleo.closed).toMatchObject({ code: CloseCode.BadMessage, reason: expect.stringMatching(/does not apply/) });
    // Everyone else reconnects to a room loaded again from storage.
    expect(ada.closed?.code).toBe(CloseCode.ServiceRestart);
    expect(setup.emptied).toEqual([setup.room]);
    expect(setup.logs.some((entry) => entry.event === 'document-damaged')).toBe(true);
    expect(setup.store.appendedSeqs).toHaveLength(1);
    expect(ada.relayedUpdates).toHaveLength(relayedBefore);
    // Unloading writes no snapshot of the damaged document.
    await setup.room.unload();
    const stored = await setup.store.loadDocument(setup.roomId);
    expect(stored.snapshot).toBeNull();
    const reloaded = await setup.load();
    expect(reloaded.doc.getMap(RoomDocument.meta).has('-d09')).toBe(false);
    const bo = await setup.joined('Bo', 'interviewer', reloaded);
    expect(bo.text.toString()).toBe(`# before\n${STARTER_CODE.python}`);
    bo.text.insert(0, '# after\n');
    await until(() => setup.store.appendedSeqs.length === 2, 'the reloaded room to store again');
  });

  it('keeps nothing of an update that throws after Yjs set part of it aside as pending', async () => {
    const setup = await openRoom();
    const ada = await setup.joined('Ada', 'interviewer');
    const cleo = await setup.joined('Cleo', 'candidate');
    // Found by the fuzz test: it decodes, one struct waits for a clock its client never sent, and applying it throws.
    const poisoned = Uint8Array.from(Buffer.from('0102dfccfa860a202301046d657461047573615f07d91f396fbf39de010104636b64650201dfdcfa860a010100', 'hex'));
    ada.send(encodeDocumentUpdate(poisoned));
    await expectOnlyClosed(setup, ada, cleo, CloseCode.BadMessage, /document update does not apply: Unexpected case/, STARTER_CODE.python);
    expect(setup.room.doc.store.pendingStructs).toBeNull();
    expect(setup.room.doc.store.pendingDs).toBeNull();
    // A joiner gets the document without it.
    const bo = await setup.joined('Bo', 'interviewer');
    expect(bo.doc.store.pendingStructs).toBeNull();
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
    await expectOnlyClosed(setup, ada, cleo, CloseCode.BadMessage, /document update does not decode/, STARTER_CODE.python);
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

describe('Room: limits', () => {
  it('refuses an edit that would grow the document past its limit with 4414, stores none of it, and lets the room shrink again', async () => {
    const maxDocumentBytes = 4096;
    const setup = await openRoom({ limits: { maxDocumentBytes } });
    const ada = await setup.joined('Ada', 'interviewer');
    const cleo = await setup.joined('Cleo', 'candidate');
    // Fits: the starter code plus 1 KiB.
    ada.text.insert(0, 'a'.repeat(1024));
    await until(() => setup.store.appendedSeqs.length === 1, 'the first edit to be stored');
    // Would pass the limit.
    cleo.text.insert(0, 'c'.repeat(maxDocumentBytes));
    await until(() => cleo.closed !== null, 'Cleo to be refused');
    expect(cleo.closed).toEqual({ code: CloseCode.DocumentTooLarge, reason: expect.stringMatching(/limit of 4096 bytes; this edit was not saved/) });
    expect(setup.store.appended).toHaveLength(1);
    expect(setup.room.doc.getText(RoomDocument.code).toString()).not.toContain('c');
    expect(ada.closed).toBeNull();
    expect(ada.text.toString()).not.toContain('c');

    // Grow close to the limit, then delete: deletions always pass, and after them edits fit again.
    ada.text.insert(0, 'b'.repeat(2048));
    await until(() => setup.store.appendedSeqs.length === 2, 'the second edit to be stored');
    expect(Y.encodeStateAsUpdate(setup.room.doc).byteLength).toBeLessThanOrEqual(maxDocumentBytes);
    ada.text.delete(0, ada.text.length);
    await until(() => setup.store.appendedSeqs.length === 3, 'the deletion to be stored');
    // Fits only because of the deletion: the estimate alone says 5 KiB.
    ada.text.insert(0, 'd'.repeat(2048));
    await until(() => setup.store.appendedSeqs.length === 4, 'an edit after the deletion');
    expect(ada.closed).toBeNull();
    expect(setup.room.doc.getText(RoomDocument.code).toString()).toBe('d'.repeat(2048));
  });

  it('counts what a connection sends against its rate, except presence echoes, and refuses it past the rate with 4429', async () => {
    const setup = await openRoom();
    const ada = await setup.joined('Ada', 'interviewer');
    // Five messages a second, a burst of ten.
    let now = 0;
    const cleo = setup.connect('Cleo', 'candidate', setup.room, new MessageRateLimit({ perSecond: 5, now: () => now })).join();
    await until(() => cleo.synced, 'Cleo to sync');
    // The join's sync step 1 and its answer to the relay's took two; Ada's presence, echoed back a hundred times, takes none.
    ada.awareness.setLocalState({ user: { name: 'Ada' } });
    await until(() => cleo.awareness.getStates().has(ada.awareness.clientID), 'Cleo to hear Ada');
    const echo = encodeAwarenessFrame(awarenessProtocol.encodeAwarenessUpdate(cleo.awareness, [ada.awareness.clientID]));
    for (let i = 0; i < 100; i++) cleo.send(echo);
    for (let i = 0; i < 8; i++) cleo.text.insert(0, `${i}`);
    await until(() => setup.store.appendedSeqs.length === 8, 'eight edits to be stored');
    expect(cleo.closed).toBeNull();
    cleo.text.insert(0, 'one too many');
    await until(() => cleo.closed !== null, 'Cleo to be refused');
    expect(cleo.closed).toEqual({ code: CloseCode.TooManyMessages, reason: 'more than 5 messages per second' });
    expect(setup.store.appended).toHaveLength(8);
    expect(ada.closed).toBeNull();
  });

  it('refills a connection’s rate over time: a steady typist is never refused', async () => {
    const setup = await openRoom();
    let now = 0;
    const cleo = setup.connect('Cleo', 'candidate', setup.room, new MessageRateLimit({ perSecond: 5, now: () => now })).join();
    await until(() => cleo.synced, 'Cleo to sync');
    for (let i = 0; i < 50; i++) {
      now += 200;
      cleo.text.insert(0, `${i % 10}`);
      await until(() => setup.store.appendedSeqs.length === i + 1, `edit ${i + 1} to be stored`);
    }
    expect(cleo.closed).toBeNull();
  });

  it('refuses a participant past the room’s limit with 4409 and sends it nothing of the room', async () => {
    const setup = await openRoom({ limits: { maxParticipants: 2 } });
    const ada = await setup.joined('Ada', 'interviewer');
    await setup.joined('Cleo', 'candidate');
    const bo = setup.connect('Bo', 'candidate').join();
    await until(() => bo.closed !== null, 'Bo to be refused');
    expect(bo.closed).toEqual({ code: CloseCode.RoomFull, reason: 'the room is full: it takes at most 2 participants' });
    expect(setup.room.participantCount).toBe(2);
    expect(bo.frames).toEqual([]);
    expect(setup.logs.some((entry) => entry.event === 'room-full')).toBe(true);
    // A place freed is a place taken.
    ada.leave();
    const dee = await setup.joined('Dee', 'candidate');
    expect(dee.closed).toBeNull();
    expect(setup.room.participantCount).toBe(2);
  });

  it('refuses a runner whose run streams more output than the limit with 4415; a new run starts a new count', async () => {
    const setup = await openRoom({ limits: { maxRunOutputChars: 10 } });
    const cleo = await setup.joined('Cleo', 'candidate');
    const ada = await setup.joined('Ada', 'interviewer');
    cleo.sendEvent(execute('run-1'));
    cleo.sendEvent(output('run-1', '12345'));
    cleo.sendEvent(output('run-1', '67890'));
    cleo.sendEvent(result('run-1'));
    cleo.sendEvent(execute('run-2'));
    cleo.sendEvent(output('run-2', '1234567890'));
    await until(() => ada.events.length === 6, 'Ada to get both runs up to the limit');
    expect(cleo.closed).toBeNull();
    cleo.sendEvent(output('run-2', '!'));
    await until(() => cleo.closed !== null, 'Cleo to be refused');
    expect(cleo.closed).toEqual({ code: CloseCode.RunOutputTooLarge, reason: "the run's output passed the limit of 10 characters" });
    // The output past the limit is not relayed; the run is ended for everyone instead.
    await until(() => ada.events.length === 7, 'the interrupted run');
    expect(ada.events.at(-1)).toMatchObject({ type: 'execution-result', payload: { runId: 'run-2', status: 'stopped' } });
    expect(ada.events.some((event) => event.type === 'execution-output' && event.payload.text === '!')).toBe(false);
  });
});

describe('Room: presence memory stays bounded', () => {
  it('refuses a connection that claims presence for more client ids than a client has', async () => {
    const setup = await openRoom();
    const ada = await setup.joined('Ada', 'interviewer');
    const mallory = await setup.joined('Mallory', 'candidate');
    const entries = Array.from({ length: 9 }, (_, i) => ({ clientId: 1000 + i, clock: 1, json: '{"user":{"name":"M"}}' }));
    mallory.send(encodeAwarenessFrame(awarenessUpdate(entries.slice(0, 8))));
    await until(() => setup.room.awareness.getStates().size === 8, 'eight presences');
    mallory.send(encodeAwarenessFrame(awarenessUpdate(entries.slice(8))));
    await until(() => mallory.closed !== null, 'Mallory to be refused');
    expect(mallory.closed).toEqual({ code: CloseCode.BadMessage, reason: 'presence for more than 8 client ids on one connection' });
    expect(ada.closed).toBeNull();
    expect(setup.room.awareness.getStates().size).toBe(0);
  });

  it('keeps no trace of ids announced only as departed, and forgets departed ones after a minute', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const setup = await openRoom({ clock: () => new Date(now) });
    const mallory = await setup.joined('Mallory', 'candidate');
    // Removals of presences the room never had: y-protocols would keep a clock for each.
    for (let batch = 0; batch < 20; batch++) {
      const entries = Array.from({ length: 200 }, (_, i) => ({ clientId: 10_000 + batch * 200 + i, clock: 1, json: 'null' }));
      mallory.send(encodeAwarenessFrame(awarenessUpdate(entries)));
    }
    // Presences that come and go, a few at a time, as a churning client's would.
    for (let round = 0; round < 50; round++) {
      const ids = [1, 2, 3].map((i) => 100_000 + round * 3 + i);
      mallory.send(encodeAwarenessFrame(awarenessUpdate(ids.map((clientId) => ({ clientId, clock: 1, json: '{"user":{"name":"M"}}' })))));
      mallory.send(encodeAwarenessFrame(awarenessUpdate(ids.map((clientId) => ({ clientId, clock: 2, json: 'null' })))));
    }
    await until(() => mallory.awarenessFrames.length >= 100, 'the churn to be relayed');
    expect(mallory.closed).toBeNull();
    // Only the departed presences' clocks are kept: no entry for the 4000 never-present ids.
    expect(setup.room.awareness.meta.size).toBe(150);
    now += 61_000;
    const last = { clientId: 200_000, clock: 1, json: 'null' };
    mallory.send(encodeAwarenessFrame(awarenessUpdate([last])));
    await until(() => setup.room.awareness.meta.size === 0, 'departed presences to be forgotten');
  });

  it('still ignores a stale echo of a presence that just left', async () => {
    const setup = await openRoom();
    const ada = await setup.joined('Ada', 'interviewer');
    const cleo = await setup.joined('Cleo', 'candidate');
    ada.awareness.setLocalState({ user: { name: 'Ada' } });
    await until(() => cleo.awareness.getStates().has(ada.awareness.clientID), 'Cleo to hear Ada');
    const stale = encodeAwarenessFrame(awarenessProtocol.encodeAwarenessUpdate(cleo.awareness, [ada.awareness.clientID]));
    ada.leave();
    await until(() => !setup.room.awareness.getStates().has(ada.awareness.clientID), 'Ada’s presence to go');
    cleo.send(stale);
    // Sent after the removal, answered by nothing: had it revived Ada, everyone would have heard.
    cleo.send(encodeSyncStep1(Y.encodeStateVector(cleo.doc)));
    const framesBefore = cleo.frames.length;
    await until(() => cleo.frames.length > framesBefore, 'the sync answer');
    expect(setup.room.awareness.getStates().has(ada.awareness.clientID)).toBe(false);
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

/** A clock the test moves by hand. */
function manualClock(start = Date.UTC(2026, 10, 22, 10, 0, 0)) {
  let now = start;
  return {
    clock: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
    at: (offsetMs = 0) => new Date(start + offsetMs),
  };
}

const ENDED = { ended: true, endedAt: '2026-11-22T10:45:00.000Z', endedBy: 'Ada' } as const;
const OPEN = { ended: false, endedAt: null, endedBy: null } as const;

describe('Room: an ended interview', () => {
  it('tells everyone when the interview ends or reopens, and tells a joiner on join only while it is ended', async () => {
    const { room, joined, connect } = await openRoom();
    const ada = await joined('Ada', 'interviewer');
    const cleo = await joined('Cleo', 'candidate');
    const early = await joined('Early', 'candidate');
    expect(early.events).toEqual([]);

    room.setStatus(ENDED);
    await until(() => ada.events.length === 1 && cleo.events.length === 1, 'the status at both');
    expect(ada.events[0]).toEqual({ type: 'room-status', payload: ENDED });
    expect(cleo.events[0]).toEqual({ type: 'room-status', payload: ENDED });
    expect(room.roomStatus).toEqual(ENDED);

    const late = connect('Late', 'candidate').join();
    await until(() => late.synced, 'Late to sync');
    expect(late.events).toEqual([{ type: 'room-status', payload: ENDED }]);

    room.setStatus(OPEN);
    await until(() => cleo.events.length === 2, 'the reopening');
    expect(cleo.events[1]).toEqual({ type: 'room-status', payload: OPEN });
    const after = connect('After', 'candidate').join();
    await until(() => after.synced, 'After to sync');
    expect(after.events).toEqual([]);
  });

  it('reads the status from storage when it loads: a room ended before the restart stays ended', async () => {
    const { store, roomId, load, connect } = await openRoom();
    await store.setRoomStatus(roomId, { at: new Date(ENDED.endedAt), by: 'Ada' });
    const reloaded = await load();
    expect(reloaded.roomStatus).toEqual(ENDED);
    const cleo = connect('Cleo', 'candidate', reloaded).join();
    await until(() => cleo.synced, 'Cleo to sync');
    expect(cleo.events).toEqual([{ type: 'room-status', payload: ENDED }]);
    expect(reloaded.canWrite(cleo.connection)).toBe(false);
  });

  it('drops a candidate’s code edits while ended (not applied, stored or relayed, socket open) and takes them again once reopened', async () => {
    const { room, store, roomId, logs, joined, load } = await openRoom();
    const ada = await joined('Ada', 'interviewer');
    const cleo = await joined('Cleo', 'candidate');
    room.setStatus(ENDED);
    await until(() => cleo.events.length === 1, 'Cleo to hear of the end');
    expect(room.canWrite(cleo.connection)).toBe(false);
    expect(room.canWrite(ada.connection)).toBe(true);

    cleo.text.insert(0, '# written after the end\n');
    // Presence sent after the edit on the same socket: once Ada has it, the edit was handled.
    cleo.publish({ name: 'Cleo after the end', role: 'candidate' });
    await until(() => ada.userName(cleo.doc.clientID) === 'Cleo after the end', 'Cleo’s presence at Ada');
    expect(room.doc.getText(RoomDocument.code).toString()).toBe(STARTER_CODE.python);
    expect(ada.relayedUpdates).toEqual([]);
    expect(store.appended).toEqual([]);
    expect(cleo.closed).toBeNull();
    expect(logs).toContainEqual(
      expect.objectContaining({ event: 'update-dropped', fields: expect.objectContaining({ role: 'candidate', reason: 'interview-ended' }) }),
    );

    // The interviewer still writes, and the candidate still receives it.
    ada.text.insert(0, '# reviewer note in code\n');
    await until(() => cleo.text.toString().includes('# reviewer note in code'), 'Cleo to get Ada’s edit');
    expect(store.appended.map((r) => r.author)).toEqual([{ role: 'interviewer', name: 'Ada' }]);
    expect((await load()).doc.getText(RoomDocument.code).toString()).not.toContain('written after the end');

    // Reopened: the room asks Cleo for what it lacks, and her edits are taken again.
    room.setStatus(OPEN);
    await until(() => ada.text.toString().includes('# written after the end'), 'Cleo’s edits to merge once reopened');
    cleo.text.insert(cleo.text.length, '# after reopening\n');
    await until(() => ada.text.toString().endsWith('# after reopening\n'), 'Cleo’s new edit at Ada');
    expect(store.appended.filter((r) => r.author?.role === 'candidate').length).toBeGreaterThanOrEqual(2);
    expect((await store.loadDocument(roomId)).updates.length).toBe(1 + store.appended.length);
    expect(room.doc.getText(RoomDocument.code).toString()).toBe(ada.text.toString());
  });

  it('refuses a candidate’s run while ended: only that candidate gets an error result; nothing is relayed, replayed or recorded', async () => {
    const { room, store, roomId, joined, connect } = await openRoom();
    const cleo = await joined('Cleo', 'candidate');
    const ada = await joined('Ada', 'interviewer');
    const bo = await joined('Bo', 'candidate');
    room.setStatus(ENDED);
    await until(() => [cleo, ada, bo].every((c) => c.events.length === 1), 'everyone to hear of the end');

    cleo.sendEvent(execute('late-run'));
    await until(() => cleo.events.length === 2, 'Cleo’s refusal');
    expect(cleo.events[1]).toEqual({
      type: 'execution-result',
      payload: { runId: 'late-run', output: '', error: RUNS_CLOSED, status: 'error' },
    });
    expect(RUNS_CLOSED).toMatch(/interview has ended/i);
    // Whatever her runner goes on sending about it, and her input, stays with her.
    cleo.sendEvent(output('late-run', 'LEAKED OUTPUT'));
    cleo.sendEvent({ type: 'execution-input-request', payload: { runId: 'late-run', prompt: 'name?' } });
    cleo.sendEvent({ type: 'execution-input', payload: { runId: 'late-run', text: 'LEAKED INPUT' } });
    cleo.sendEvent(result('late-run'));
    // Stop is still relayed, and it is the marker that everything before it was handled.
    cleo.sendEvent(stop('late-run'));
    await until(() => ada.events.length === 2 && bo.events.length === 2, 'the stop at the others');
    expect(ada.events.slice(1)).toEqual([stop('late-run')]);
    expect(bo.events.slice(1)).toEqual([stop('late-run')]);
    expect(cleo.closed).toBeNull();

    const late = connect('Late', 'interviewer').join();
    await until(() => late.synced, 'Late to sync');
    expect(late.events).toEqual([{ type: 'room-status', payload: ENDED }]);
    expect(await store.listRuns(roomId)).toEqual([]);
    expect(await store.loadLatestRun(roomId)).toBeNull();
  });

  it('lets a candidate’s run started before the end finish, but drops the input given after it', async () => {
    const { room, store, roomId, joined } = await openRoom();
    const cleo = await joined('Cleo', 'candidate');
    const ada = await joined('Ada', 'interviewer');
    cleo.sendEvent(execute('before-end'));
    await until(() => ada.events.length === 1, 'the start');
    room.setStatus(ENDED);
    await until(() => ada.events.length === 2, 'the end');
    cleo.sendEvent(output('before-end', 'still printing\n'));
    cleo.sendEvent({ type: 'execution-input', payload: { runId: 'before-end', text: 'typed after the end' } });
    cleo.sendEvent(result('before-end'));
    await until(() => ada.events.length === 4, 'the output and result');
    expect(ada.events.slice(2)).toEqual([output('before-end', 'still printing\n'), result('before-end')]);
    await vi.waitFor(async () => expect((await store.listRuns(roomId))[0]?.status).toBe('ok'));
  });

  it('leaves the interviewer every right while ended: edits, runs, input', async () => {
    const { room, store, roomId, joined } = await openRoom();
    const ada = await joined('Ada', 'interviewer');
    const cleo = await joined('Cleo', 'candidate');
    room.setStatus(ENDED);
    await until(() => cleo.events.length === 1, 'the end');
    ada.sendEvent(execute('ada-run'));
    ada.sendEvent({ type: 'execution-input-request', payload: { runId: 'ada-run', prompt: '? ' } });
    ada.sendEvent({ type: 'execution-input', payload: { runId: 'ada-run', text: '42' } });
    ada.sendEvent(output('ada-run', '42\n'));
    ada.sendEvent(result('ada-run'));
    await until(() => cleo.events.length === 6, 'Ada’s run at Cleo');
    expect(cleo.events.slice(1).map((e) => e.type)).toEqual([
      'execute-code',
      'execution-input-request',
      'execution-input',
      'execution-output',
      'execution-result',
    ]);
    await vi.waitFor(async () => expect((await store.listRuns(roomId)).map((r) => [r.runId, r.status])).toEqual([['ada-run', 'ok']]));
  });

  it('refuses a room-status event sent by a client, interviewer or candidate, with BadMessage, and relays nothing', async () => {
    const { room, joined } = await openRoom();
    const ada = await joined('Ada', 'interviewer');
    const cleo = await joined('Cleo', 'candidate');
    const bo = await joined('Bo', 'interviewer');
    cleo.sendEvent({ type: 'room-status', payload: OPEN });
    ada.sendEvent({ type: 'room-status', payload: ENDED });
    await until(() => cleo.closed !== null && ada.closed !== null, 'both to be refused');
    for (const sender of [cleo, ada]) {
      expect(sender.closed).toEqual({ code: CloseCode.BadMessage, reason: 'room-status events are sent by the server only' });
    }
    expect(bo.events).toEqual([]);
    expect(room.roomStatus).toEqual(OPEN);
  });
});

describe('Room: signals', () => {
  it('stamps a candidate’s signal with who and when from the relay, stores it, and sends it to interviewers only', async () => {
    const time = manualClock();
    const { store, roomId, joined } = await openRoom({ clock: time.clock });
    const cleo = await joined('Cleo', 'candidate');
    const ada = await joined('Ada', 'interviewer');
    const bo = await joined('Bo', 'interviewer');
    const other = await joined('Other', 'candidate');
    time.advance(1500);
    cleo.sendEvent({
      type: 'signal',
      payload: { kind: 'paste', chars: 400, lines: 20, by: { name: 'Ada', role: 'interviewer' }, at: '1999-01-01T00:00:00.000Z', awayMs: 7 },
    });
    const expected = {
      type: 'signal',
      payload: { kind: 'paste', chars: 400, lines: 20, by: { name: 'Cleo', role: 'candidate' }, at: time.at(1500).toISOString() },
    };
    await until(() => ada.events.length === 1 && bo.events.length === 1, 'the signal at both interviewers');
    expect(ada.events[0]).toStrictEqual(expected);
    expect(bo.events[0]).toStrictEqual(expected);
    await vi.waitFor(async () =>
      expect(await store.listSignals(roomId)).toStrictEqual([
        { kind: 'paste', at: time.at(1500), by: { name: 'Cleo', role: 'candidate' }, chars: 400, lines: 20 },
      ]),
    );
    // A later event from Cleo reaches the other candidate: by then the signal would have too.
    cleo.sendEvent(stop('marker'));
    await until(() => other.events.length === 1, 'the marker at the other candidate');
    expect(other.events).toEqual([stop('marker')]);
    expect(other.frames.some((f) => Buffer.from(f).includes('signal'))).toBe(false);
    expect(cleo.events).toEqual([]);
  });

  it('measures awayMs on focus-returned with its own clock from the focus-lost of the same connection; without one it has none', async () => {
    const time = manualClock();
    const { store, roomId, joined } = await openRoom({ clock: time.clock });
    const cleo = await joined('Cleo', 'candidate');
    const ada = await joined('Ada', 'interviewer');
    const signal = (payload: Record<string, unknown>) => ({ type: 'signal', payload });

    cleo.sendEvent(signal({ kind: 'focus-returned', awayMs: 999 }));
    await until(() => ada.events.length === 1, 'the first return');
    expect(ada.events[0]?.payload).toStrictEqual({ kind: 'focus-returned', by: { name: 'Cleo', role: 'candidate' }, at: time.at().toISOString() });

    cleo.sendEvent(signal({ kind: 'focus-lost' }));
    await until(() => ada.events.length === 2, 'the loss');
    time.advance(4200);
    // A second loss before the return does not restart the absence.
    cleo.sendEvent(signal({ kind: 'focus-lost' }));
    await until(() => ada.events.length === 3, 'the second loss');
    time.advance(800);
    cleo.sendEvent(signal({ kind: 'focus-returned', awayMs: 1 }));
    await until(() => ada.events.length === 4, 'the return');
    expect(ada.events[3]?.payload).toMatchObject({ kind: 'focus-returned', awayMs: 5000, at: time.at(5000).toISOString() });
    // Measured once: another return without a loss carries none.
    cleo.sendEvent(signal({ kind: 'focus-returned' }));
    await until(() => ada.events.length === 5, 'the extra return');
    expect(ada.events[4]?.payload).not.toHaveProperty('awayMs');
    await vi.waitFor(async () => expect((await store.listSignals(roomId)).map((s) => s.awayMs)).toEqual([undefined, undefined, undefined, 5000, undefined]));
  });

  it('drops an interviewer’s signal and a small paste with a debug line, keeping the socket open; refuses a paste without its size', async () => {
    const { store, roomId, logs, joined } = await openRoom();
    const cleo = await joined('Cleo', 'candidate');
    const ada = await joined('Ada', 'interviewer');
    const bo = await joined('Bo', 'interviewer');
    ada.sendEvent({ type: 'signal', payload: { kind: 'focus-lost' } });
    cleo.sendEvent({ type: 'signal', payload: { kind: 'paste', chars: 79, lines: 2 } });
    cleo.sendEvent({ type: 'signal', payload: { kind: 'paste', chars: 10, lines: 3 } });
    ada.sendEvent(stop('marker-ada'));
    cleo.sendEvent(stop('marker-cleo'));
    await until(() => bo.events.length === 3, 'the markers and the one large paste');
    expect(bo.events.map((e) => e.type)).toEqual(['signal', 'stop-execution', 'stop-execution']);
    expect(bo.events[0]?.payload).toMatchObject({ kind: 'paste', chars: 10, lines: 3 });
    expect(ada.events.map((e) => e.type)).toEqual(['signal', 'stop-execution']);
    expect(ada.closed).toBeNull();
    expect(cleo.closed).toBeNull();
    const dropped = logs.filter((l) => l.event === 'signal-dropped');
    expect(dropped.map((l) => [l.level, l.fields.role])).toEqual([
      ['debug', 'interviewer'],
      ['debug', 'candidate'],
    ]);
    await vi.waitFor(async () => expect(await store.listSignals(roomId)).toHaveLength(1));

    cleo.sendEvent({ type: 'signal', payload: { kind: 'paste', chars: 500 } });
    await until(() => cleo.closed !== null, 'the paste without lines to be refused');
    expect(cleo.closed).toEqual({ code: CloseCode.BadMessage, reason: 'a paste signal needs payload.chars and payload.lines' });
  });

  it('refuses a signal on the statement channel like any event', async () => {
    const { joined } = await openRoom({ channel: 'statement' });
    const ada = await joined('Ada', 'interviewer');
    const cleo = await joined('Cleo', 'candidate');
    cleo.sendEvent({ type: 'signal', payload: { kind: 'focus-lost' } });
    await until(() => cleo.closed !== null, 'Cleo to be refused');
    expect(cleo.closed?.code).toBe(CloseCode.BadMessage);
    expect(ada.events).toEqual([]);
  });
});

describe('Room: presence roles', () => {
  it('refuses a candidate whose presence claims the interviewer role, applying none of it', async () => {
    const { room, joined } = await openRoom();
    const ada = await joined('Ada', 'interviewer');
    const cleo = await joined('Cleo', 'candidate');
    cleo.publish({ name: 'Totally the interviewer', role: 'interviewer' });
    await until(() => cleo.closed !== null, 'Cleo to be refused');
    expect(cleo.closed).toEqual({
      code: CloseCode.BadMessage,
      reason: 'awareness user.role "interviewer" does not match this connection\'s role (candidate)',
    });
    expect(room.awareness.getStates().has(cleo.doc.clientID)).toBe(false);
    expect(ada.userName(cleo.doc.clientID)).toBeUndefined();
    expect(ada.closed).toBeNull();
  });

  it('refuses an interviewer posing as a candidate too, and any other role value', async () => {
    const { joined } = await openRoom();
    const ada = await joined('Ada', 'interviewer');
    const bo = await joined('Bo', 'candidate');
    ada.publish({ name: 'Ada', role: 'candidate' });
    await until(() => ada.closed !== null, 'Ada to be refused');
    expect(ada.closed?.reason).toMatch(/role "candidate" does not match .*\(interviewer\)/);
    bo.send(encodeAwarenessFrame(awarenessUpdate([{ clientId: 77, clock: 1, json: JSON.stringify({ user: { name: 'Bo', role: 7 } }) }])));
    await until(() => bo.closed !== null, 'Bo to be refused');
    expect(bo.closed?.reason).toMatch(/role number does not match/);
  });

  it('accepts a candidate’s echo of the interviewer’s presence at the clock it heard, as the stock provider sends it', async () => {
    const { room, joined } = await openRoom();
    const ada = await joined('Ada', 'interviewer');
    const cleo = await joined('Cleo', 'candidate');
    ada.publish({ name: 'Ada', role: 'interviewer' });
    await until(() => cleo.userName(ada.doc.clientID) === 'Ada', 'Cleo to see Ada');
    // y-websocket's provider re-sends every change it applies, others' included.
    cleo.send(encodeAwarenessFrame(awarenessProtocol.encodeAwarenessUpdate(cleo.awareness, [ada.doc.clientID])));
    cleo.publish({ name: 'Cleo', role: 'candidate' });
    await until(() => ada.userName(cleo.doc.clientID) === 'Cleo', 'Cleo’s own presence after the echo');
    expect(cleo.closed).toBeNull();
    expect(room.awareness.getStates().get(ada.doc.clientID)).toEqual({ user: { name: 'Ada', role: 'interviewer' } });
  });

  it('refuses a candidate overwriting the interviewer’s presence with a newer clock, even under the candidate role', async () => {
    const { room, joined } = await openRoom();
    const ada = await joined('Ada', 'interviewer');
    const cleo = await joined('Cleo', 'candidate');
    ada.publish({ name: 'Ada', role: 'interviewer' });
    await until(() => cleo.userName(ada.doc.clientID) === 'Ada', 'Cleo to see Ada');
    const clock = room.awareness.meta.get(ada.doc.clientID)!.clock;
    cleo.send(
      encodeAwarenessFrame(
        awarenessUpdate([{ clientId: ada.doc.clientID, clock: clock + 1, json: JSON.stringify({ user: { name: 'Ada (gone home)', role: 'candidate' } }) }]),
      ),
    );
    await until(() => cleo.closed !== null, 'Cleo to be refused');
    expect(cleo.closed?.reason).toMatch(/overwrites another participant's presence \(role interviewer\)/);
    expect(room.awareness.getStates().get(ada.doc.clientID)).toEqual({ user: { name: 'Ada', role: 'interviewer' } });
  });

  it('accepts a presence with the connection’s own role, or without any (stock clients)', async () => {
    const { joined } = await openRoom();
    const ada = await joined('Ada', 'interviewer');
    const cleo = await joined('Cleo', 'candidate');
    const stockish = await joined('Stock', 'candidate');
    cleo.publish({ name: 'Cleo', role: 'candidate' });
    stockish.publish({ name: 'Stock client' });
    ada.publish({ name: 'Ada', role: 'interviewer' });
    await until(
      () => ada.userName(cleo.doc.clientID) === 'Cleo' && ada.userName(stockish.doc.clientID) === 'Stock client' && cleo.userName(ada.doc.clientID) === 'Ada',
      'every presence',
    );
    expect([ada.closed, cleo.closed, stockish.closed]).toEqual([null, null, null]);
  });
});

describe('Room: run history', () => {
  it('records a run when it is relayed (who from the connection, when from its clock) and its end from the result', async () => {
    const time = manualClock();
    const { store, roomId, joined } = await openRoom({ clock: time.clock });
    const cleo = await joined('Cleo', 'candidate');
    const ada = await joined('Ada', 'interviewer');
    cleo.sendEvent(execute('run-1', { by: { name: 'Ada', role: 'interviewer' } }));
    await until(() => ada.events.length === 1, 'the start');
    await vi.waitFor(async () =>
      expect(await store.listRuns(roomId)).toStrictEqual([
        {
          runId: 'run-1',
          language: 'python',
          code: 'print("hi")',
          by: { name: 'Cleo', role: 'candidate' },
          startedAt: time.at(),
          finishedAt: null,
          status: null,
          output: '',
          error: null,
          durationMs: null,
        },
      ]),
    );
    time.advance(250);
    cleo.sendEvent(output('run-1', 'streamed, not kept: the result has its own\n'));
    cleo.sendEvent({ type: 'execution-result', payload: { runId: 'run-1', output: 'hi\n', error: 'ValueError: x', errorLine: 2, durationMs: 12.5 } });
    await until(() => ada.events.length === 3, 'the end');
    await vi.waitFor(async () =>
      expect((await store.listRuns(roomId))[0]).toMatchObject({
        finishedAt: time.at(250),
        // No status sent: an error makes it one.
        status: 'error',
        output: 'hi\n',
        error: 'ValueError: x',
        durationMs: 12.5,
      }),
    );
  });

  it('keeps the streamed output when the result has none, cut at the limit with a visible marker', async () => {
    const { store, roomId, joined } = await openRoom({ maxMessageBytes: 1024 * 1024 });
    const cleo = await joined('Cleo', 'candidate');
    const ada = await joined('Ada', 'interviewer');
    cleo.sendEvent(execute('loud'));
    const chunk = 'y'.repeat(100_000);
    for (let i = 0; i < 3; i++) cleo.sendEvent(output('loud', chunk));
    cleo.sendEvent({ type: 'execution-result', payload: { runId: 'loud', output: '', error: null, status: 'ok' } });
    cleo.sendEvent(execute('quiet'));
    cleo.sendEvent(output('quiet', 'a'));
    cleo.sendEvent(output('quiet', 'b', 'stderr'));
    cleo.sendEvent({ type: 'execution-result', payload: { runId: 'quiet', output: '', error: null, status: 'ok' } });
    await until(() => ada.events.length === 9, 'both runs');
    await vi.waitFor(async () => expect((await store.listRuns(roomId)).map((r) => r.status)).toEqual(['ok', 'ok']));
    const [loud, quiet] = await store.listRuns(roomId);
    expect(loud!.output.length).toBeLessThanOrEqual(RecordLimits.outputChars);
    expect(loud!.output.startsWith('y'.repeat(RecordLimits.outputChars - 100))).toBe(true);
    expect(loud!.output).toMatch(/\[output cut: the run printed more than 262144 characters\]\n$/);
    expect(quiet!.output).toBe('ab');
  });

  it('records a run abandoned by its runner leaving as stopped, and ignores other connections’ claims about it', async () => {
    const { store, roomId, joined } = await openRoom();
    const cleo = await joined('Cleo', 'candidate');
    const ada = await joined('Ada', 'interviewer');
    cleo.sendEvent(execute('run-1'));
    cleo.sendEvent(output('run-1', 'partial'));
    await until(() => ada.events.length === 2, 'the live events');
    // Not Cleo's runner: relayed as before, but the record waits for the runner.
    ada.sendEvent(output('run-1', ' FORGED'));
    ada.sendEvent(result('run-1'));
    cleo.leave();
    await vi.waitFor(async () =>
      expect((await store.listRuns(roomId))[0]).toMatchObject({
        status: 'stopped',
        output: 'partial',
        error: 'The run was interrupted: Cleo left the room.',
        durationMs: null,
      }),
    );
    expect((await store.listRuns(roomId))[0]?.finishedAt).toBeInstanceOf(Date);
  });

  it('ends the runs still going when the room is loaded again after a restart', async () => {
    const { store, roomId, joined, load } = await openRoom();
    const cleo = await joined('Cleo', 'candidate');
    const bo = await joined('Bo', 'candidate');
    const ada = await joined('Ada', 'interviewer');
    cleo.sendEvent(execute('cleo-run'));
    bo.sendEvent(execute('bo-run'));
    await until(() => ada.events.length === 2, 'both starts');
    await vi.waitFor(async () => expect(await store.listRuns(roomId)).toHaveLength(2));
    await load();
    for (const run of await store.listRuns(roomId)) {
      expect(run).toMatchObject({ status: 'stopped', error: 'The run was interrupted: the server restarted.' });
    }
  });

  it('logs a record that cannot be stored and goes on relaying', async () => {
    const { store, roomId, logs, joined } = await openRoom();
    const cleo = await joined('Cleo', 'candidate');
    const ada = await joined('Ada', 'interviewer');
    store.failRecords = true;
    cleo.sendEvent(execute('run-1'));
    cleo.sendEvent({ type: 'signal', payload: { kind: 'focus-lost' } });
    cleo.sendEvent(result('run-1'));
    await until(() => ada.events.length === 3, 'the events');
    cleo.text.insert(0, '# still stored\n');
    await until(() => ada.text.toString().startsWith('# still stored\n'), 'the edit');
    await until(() => logs.filter((l) => l.level === 'error').length >= 4, 'the failures to be logged');
    const failures = new Set(logs.filter((l) => l.level === 'error').map((l) => l.event));
    expect(failures).toEqual(new Set(['run-not-recorded', 'signal-not-stored', 'latest-run-not-stored']));
    expect([ada.closed, cleo.closed]).toEqual([null, null]);
    store.failRecords = false;
    expect(await store.listRuns(roomId)).toEqual([]);
  });
});

describe('Room: participants', () => {
  it('records when each main-channel connection joined and left, with its name and role', async () => {
    const time = manualClock();
    const { store, roomId, joined } = await openRoom({ clock: time.clock });
    const ada = await joined('Ada', 'interviewer');
    time.advance(1000);
    const cleo = await joined('Cleo', 'candidate');
    time.advance(60_000);
    cleo.leave();
    await vi.waitFor(async () =>
      expect(await store.listParticipants(roomId)).toStrictEqual([
        { name: 'Ada', role: 'interviewer', joinedAt: time.at(0), leftAt: null },
        { name: 'Cleo', role: 'candidate', joinedAt: time.at(1000), leftAt: time.at(61_000) },
      ]),
    );
    expect(ada.closed).toBeNull();
  });

  it('records a refused connection leaving too, and nothing for the other channels', async () => {
    const { store, roomId, joined, load } = await openRoom();
    const statement = await load('statement');
    const reader = new TestClient(statement, 'Reader', 'candidate');
    statement.join(reader.connection);
    const ada = await joined('Ada', 'interviewer');
    ada.send(Uint8Array.of(0xff));
    await until(() => ada.closed !== null, 'Ada to be refused');
    await vi.waitFor(async () => expect((await store.listParticipants(roomId)).map((p) => [p.name, p.leftAt !== null])).toEqual([['Ada', true]]));
    statement.leave(reader.connection);
    reader.destroy();
  });
});
