import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { seedUpdate } from '../rooms/room-seed.js';
import { hashToken, newRoomId } from '../rooms/tokens.js';
import { describeRoomStoreContract } from './room-store.contract.js';
import type { RoomStore } from './room-store.js';
import { SQLITE_FILE, SqliteRoomStore } from './sqlite-store.js';

describeRoomStoreContract('SqliteRoomStore', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'interview-sqlite-'));
  const opened: RoomStore[] = [];
  const open = () => {
    const store = new SqliteRoomStore(dir);
    opened.push(store);
    return store;
  };
  return {
    store: open(),
    reopen: async () => open(),
    async cleanup() {
      for (const store of opened) await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('SqliteRoomStore specifics', () => {
  const dirs: string[] = [];
  const stores: SqliteRoomStore[] = [];

  function tempDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'interview-sqlite-'));
    dirs.push(dir);
    return dir;
  }

  function openStore(dir: string): SqliteRoomStore {
    const store = new SqliteRoomStore(dir);
    stores.push(store);
    return store;
  }

  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  async function createRoom(store: SqliteRoomStore): Promise<string> {
    const id = newRoomId();
    await store.createRoom(
      {
        id,
        title: 'SQLite',
        language: 'python',
        interviewerTokenHash: hashToken('i'),
        candidateTokenHash: hashToken('c'),
        createdAt: new Date(),
        ended: null,
      },
      seedUpdate('python'),
    );
    return id;
  }

  it('keeps its data in one file in the data directory, creating the directory if needed', async () => {
    const dir = join(tempDir(), 'nested', 'data');
    expect(existsSync(dir)).toBe(false);
    const store = openStore(dir);
    await createRoom(store);
    expect(existsSync(join(dir, SQLITE_FILE))).toBe(true);
    // Only the database and its WAL companions live there.
    for (const name of readdirSync(dir)) expect(name.startsWith(SQLITE_FILE)).toBe(true);
  });

  it('runs in WAL mode with foreign keys on', async () => {
    const dir = tempDir();
    const store = openStore(dir);
    const roomId = await createRoom(store);
    await store.appendUpdate({ roomId, update: Uint8Array.of(1), author: null, at: new Date() });
    expect(existsSync(join(dir, `${SQLITE_FILE}-wal`))).toBe(true);
    const inspector = new Database(join(dir, SQLITE_FILE), { readonly: true });
    try {
      expect(inspector.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      inspector.close();
    }
    // Foreign keys are enforced: an update for a room that does not exist is refused.
    await expect(store.appendUpdate({ roomId: newRoomId(), update: Uint8Array.of(1), author: null, at: new Date() })).rejects.toThrow(
      /FOREIGN KEY/,
    );
  });

  it('stores each update with its author role, name and time; the seed has no author', async () => {
    const dir = tempDir();
    const store = openStore(dir);
    const roomId = await createRoom(store);
    const at = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6));
    const seq = await store.appendUpdate({ roomId, update: Uint8Array.of(9), author: { role: 'candidate', name: 'Cleo' }, at });
    const inspector = new Database(join(dir, SQLITE_FILE), { readonly: true });
    try {
      const rows = inspector
        .prepare('SELECT seq, author_role, author_name, created_at FROM updates WHERE room_id = ? ORDER BY seq')
        .all(roomId) as Array<{ seq: number; author_role: string | null; author_name: string | null; created_at: number }>;
      expect(rows).toHaveLength(2);
      expect(rows[0]).toMatchObject({ author_role: null, author_name: null });
      expect(rows[1]).toEqual({ seq, author_role: 'candidate', author_name: 'Cleo', created_at: at.getTime() });
    } finally {
      inspector.close();
    }
  });

  it('stores the appends of one turn of the event loop in order, and one that fails takes none of the others with it', async () => {
    const store = openStore(tempDir());
    const roomId = await createRoom(store);
    const good = store.appendUpdate({ roomId, update: Uint8Array.of(1), author: null, at: new Date() });
    const bad = store.appendUpdate({ roomId: newRoomId(), update: Uint8Array.of(2), author: null, at: new Date() });
    const later = store.appendUpdate({ roomId, update: Uint8Array.of(3), author: null, at: new Date() });
    const results = await Promise.allSettled([good, bad, later]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ message: expect.stringMatching(/FOREIGN KEY/), code: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
    const [first, , third] = results as Array<PromiseFulfilledResult<number>>;
    expect(third!.value).toBeGreaterThan(first!.value);
    // After the seed, the two that succeeded, in order.
    expect((await store.loadDocument(roomId)).updates.slice(1).map((update) => [...update])).toEqual([[1], [3]]);
    // The store keeps working afterwards.
    await expect(store.appendUpdate({ roomId, update: Uint8Array.of(4), author: null, at: new Date() })).resolves.toBeGreaterThan(third!.value);
  });

  it('commits the writes of one turn of the event loop once, in order; a read after a write sees it', async () => {
    const store = openStore(tempDir());
    const roomId = await createRoom(store);
    const writer = (store as unknown as { writer: { commits: number } }).writer;
    await store.setRoomStatus(roomId, { at: new Date(5), by: 'Ada' });
    expect((await store.findRoom(roomId))?.ended).toEqual({ at: new Date(5), by: 'Ada' });
    const before = writer.commits;
    const seqs = await Promise.all(Array.from({ length: 20 }, (_, i) => store.appendUpdate({ roomId, update: Uint8Array.of(i), author: null, at: new Date() })));
    expect(writer.commits).toBe(before + 1);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect((await store.loadDocument(roomId)).updates.slice(1).map((update) => update[0])).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('refuses a database written by a newer schema, naming both versions', async () => {
    const dir = tempDir();
    const first = new SqliteRoomStore(dir);
    await first.close();
    const db = new Database(join(dir, SQLITE_FILE));
    db.pragma('user_version = 99');
    db.close();
    expect(() => new SqliteRoomStore(dir)).toThrow(/schema version 99.*knows 4/);
  });

  it('migrates a version 1 database: its history and snapshot become the main document, and channels can be written', async () => {
    const dir = tempDir();
    const v1 = new Database(join(dir, SQLITE_FILE));
    v1.exec(`
      CREATE TABLE rooms (id TEXT PRIMARY KEY, title TEXT NOT NULL, language TEXT NOT NULL,
        interviewer_token_hash BLOB NOT NULL, candidate_token_hash BLOB NOT NULL, created_at INTEGER NOT NULL);
      CREATE TABLE updates (seq INTEGER PRIMARY KEY AUTOINCREMENT, room_id TEXT NOT NULL REFERENCES rooms(id),
        data BLOB NOT NULL, author_role TEXT, author_name TEXT, created_at INTEGER NOT NULL);
      CREATE INDEX updates_by_room ON updates(room_id, seq);
      CREATE TABLE snapshots (room_id TEXT PRIMARY KEY REFERENCES rooms(id), state BLOB NOT NULL,
        through_seq INTEGER NOT NULL, created_at INTEGER NOT NULL);
      CREATE TABLE latest_runs (room_id TEXT PRIMARY KEY REFERENCES rooms(id), run TEXT NOT NULL, updated_at INTEGER NOT NULL);
    `);
    const roomId = newRoomId();
    v1.prepare('INSERT INTO rooms VALUES (?, ?, ?, ?, ?, ?)').run(roomId, 'Old', 'python', hashToken('i'), hashToken('c'), 1);
    const insert = v1.prepare('INSERT INTO updates (room_id, data, author_role, author_name, created_at) VALUES (?, ?, ?, ?, ?)');
    const first = Number(insert.run(roomId, Buffer.from([1]), null, null, 1).lastInsertRowid);
    const second = Number(insert.run(roomId, Buffer.from([2]), 'candidate', 'Cleo', 2).lastInsertRowid);
    v1.prepare('INSERT INTO snapshots VALUES (?, ?, ?, ?)').run(roomId, Buffer.from([0xaa]), first, 3);
    v1.pragma('user_version = 1');
    v1.close();

    const store = openStore(dir);
    const main = await store.loadDocument(roomId);
    expect(main.snapshot && Array.from(main.snapshot)).toEqual([0xaa]);
    expect(main.updates.map((u) => Array.from(u))).toEqual([[2]]);
    expect(main.lastSeq).toBe(second);
    expect(await store.loadDocument(roomId, 'notes')).toEqual({ snapshot: null, updates: [], lastSeq: 0 });

    const seq = await store.appendUpdate({ roomId, channel: 'notes', update: Uint8Array.of(7), author: null, at: new Date() });
    expect(seq).toBeGreaterThan(second);
    await store.saveSnapshot(roomId, Uint8Array.of(0xbb), seq, 'notes');
    expect(Array.from((await store.loadDocument(roomId, 'notes')).snapshot!)).toEqual([0xbb]);
    expect(Array.from((await store.loadDocument(roomId)).snapshot!)).toEqual([0xaa]);

    const inspector = new Database(join(dir, SQLITE_FILE), { readonly: true });
    try {
      expect(inspector.pragma('user_version', { simple: true })).toBe(4);
      const docs = inspector.prepare('SELECT seq, doc FROM updates WHERE room_id = ? ORDER BY seq').all(roomId);
      expect(docs).toEqual([
        { seq: first, doc: 'main' },
        { seq: second, doc: 'main' },
        { seq, doc: 'notes' },
      ]);
    } finally {
      inspector.close();
    }
    // Opening again does not migrate twice.
    await store.close();
    const again = openStore(dir);
    const notes = await again.loadDocument(roomId, 'notes');
    expect(Array.from(notes.snapshot!)).toEqual([0xbb]);
    expect(notes.lastSeq).toBe(seq);
    expect((await again.loadDocument(roomId)).lastSeq).toBe(second);
  });

  it('migrates a version 2 database: rooms and channels stay, and the question bank starts empty', async () => {
    const dir = tempDir();
    const v2 = new Database(join(dir, SQLITE_FILE));
    v2.exec(`
      CREATE TABLE rooms (id TEXT PRIMARY KEY, title TEXT NOT NULL, language TEXT NOT NULL,
        interviewer_token_hash BLOB NOT NULL, candidate_token_hash BLOB NOT NULL, created_at INTEGER NOT NULL);
      CREATE TABLE updates (seq INTEGER PRIMARY KEY AUTOINCREMENT, room_id TEXT NOT NULL REFERENCES rooms(id),
        data BLOB NOT NULL, author_role TEXT, author_name TEXT, created_at INTEGER NOT NULL, doc TEXT NOT NULL DEFAULT 'main');
      CREATE INDEX updates_by_room_doc ON updates(room_id, doc, seq);
      CREATE TABLE snapshots (room_id TEXT NOT NULL REFERENCES rooms(id), doc TEXT NOT NULL DEFAULT 'main', state BLOB NOT NULL,
        through_seq INTEGER NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (room_id, doc));
      CREATE TABLE latest_runs (room_id TEXT PRIMARY KEY REFERENCES rooms(id), run TEXT NOT NULL, updated_at INTEGER NOT NULL);
    `);
    const roomId = newRoomId();
    v2.prepare('INSERT INTO rooms VALUES (?, ?, ?, ?, ?, ?)').run(roomId, 'Old', 'python', hashToken('i'), hashToken('c'), 1);
    v2.prepare('INSERT INTO updates (room_id, data, created_at, doc) VALUES (?, ?, ?, ?)').run(roomId, Buffer.from([5]), 1, 'statement');
    v2.pragma('user_version = 2');
    v2.close();

    const store = openStore(dir);
    expect((await store.findRoom(roomId))?.title).toBe('Old');
    expect((await store.loadDocument(roomId, 'statement')).updates.map((u) => Array.from(u))).toEqual([[5]]);
    expect(await store.listQuestions()).toEqual([]);
    const at = new Date(Date.UTC(2026, 0, 1));
    await store.createQuestion({ id: 'q1', title: 'Q', statement: 'S', starterCode: {}, builtIn: false, createdAt: at, updatedAt: at });
    expect((await store.getQuestion('q1'))?.title).toBe('Q');
    const inspector = new Database(join(dir, SQLITE_FILE), { readonly: true });
    try {
      expect(inspector.pragma('user_version', { simple: true })).toBe(4);
    } finally {
      inspector.close();
    }
  });

  it('migrates a version 3 database: rooms, documents, runs and questions stay; rooms are open and their record starts empty', async () => {
    const dir = tempDir();
    const v3 = new Database(join(dir, SQLITE_FILE));
    v3.exec(`
      CREATE TABLE rooms (id TEXT PRIMARY KEY, title TEXT NOT NULL, language TEXT NOT NULL,
        interviewer_token_hash BLOB NOT NULL, candidate_token_hash BLOB NOT NULL, created_at INTEGER NOT NULL);
      CREATE TABLE updates (seq INTEGER PRIMARY KEY AUTOINCREMENT, room_id TEXT NOT NULL REFERENCES rooms(id),
        data BLOB NOT NULL, author_role TEXT, author_name TEXT, created_at INTEGER NOT NULL, doc TEXT NOT NULL DEFAULT 'main');
      CREATE INDEX updates_by_room_doc ON updates(room_id, doc, seq);
      CREATE TABLE snapshots (room_id TEXT NOT NULL REFERENCES rooms(id), doc TEXT NOT NULL DEFAULT 'main', state BLOB NOT NULL,
        through_seq INTEGER NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (room_id, doc));
      CREATE TABLE latest_runs (room_id TEXT PRIMARY KEY REFERENCES rooms(id), run TEXT NOT NULL, updated_at INTEGER NOT NULL);
      CREATE TABLE questions (id TEXT PRIMARY KEY, title TEXT NOT NULL, statement TEXT NOT NULL, starter_code TEXT NOT NULL,
        hints TEXT, built_in INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
    `);
    const roomId = newRoomId();
    v3.prepare('INSERT INTO rooms VALUES (?, ?, ?, ?, ?, ?)').run(roomId, 'Before v4', 'javascript', hashToken('i'), hashToken('c'), 1_000);
    const insert = v3.prepare('INSERT INTO updates (room_id, data, author_role, author_name, created_at, doc) VALUES (?, ?, ?, ?, ?, ?)');
    const main = Number(insert.run(roomId, Buffer.from([1]), null, null, 1, 'main').lastInsertRowid);
    const notes = Number(insert.run(roomId, Buffer.from([2]), 'interviewer', 'Ada', 2, 'notes').lastInsertRowid);
    v3.prepare('INSERT INTO snapshots VALUES (?, ?, ?, ?, ?)').run(roomId, 'main', Buffer.from([0xaa]), main, 3);
    const run = {
      execute: { type: 'execute-code', payload: { runId: 'old-run', language: 'javascript', code: 'x', by: { name: 'Ada', role: 'interviewer' } } },
      output: [],
      result: null,
    };
    v3.prepare('INSERT INTO latest_runs VALUES (?, ?, ?)').run(roomId, JSON.stringify(run), 4);
    v3.prepare('INSERT INTO questions VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run('q-old', 'Old question', 'S', '{}', 'hint', 0, 5, 6);
    v3.pragma('user_version = 3');
    v3.close();

    const store = openStore(dir);
    const found = await store.findRoom(roomId);
    expect(found).toMatchObject({ id: roomId, title: 'Before v4', language: 'javascript', ended: null });
    expect(found?.createdAt.getTime()).toBe(1_000);
    const doc = await store.loadDocument(roomId);
    expect(doc.snapshot && Array.from(doc.snapshot)).toEqual([0xaa]);
    expect(doc.lastSeq).toBe(main);
    expect((await store.loadDocument(roomId, 'notes')).updates.map((u) => Array.from(u))).toEqual([[2]]);
    expect(await store.loadLatestRun(roomId)).toEqual(run);
    expect((await store.getQuestion('q-old'))?.hints).toBe('hint');
    expect(await store.listRuns(roomId)).toEqual([]);
    expect(await store.listSignals(roomId)).toEqual([]);
    expect(await store.listParticipants(roomId)).toEqual([]);

    // The old room takes the new record like a new one.
    const ending = { at: new Date(Date.UTC(2026, 0, 1)), by: 'Ada' };
    expect(await store.setRoomStatus(roomId, ending)).toBe(true);
    await store.appendSignal(roomId, { kind: 'focus-lost', at: ending.at, by: { name: 'Cleo', role: 'candidate' } });
    const seq = await store.appendUpdate({ roomId, update: Uint8Array.of(3), author: null, at: new Date() });
    expect(seq).toBeGreaterThan(notes);
    const inspector = new Database(join(dir, SQLITE_FILE), { readonly: true });
    try {
      expect(inspector.pragma('user_version', { simple: true })).toBe(4);
    } finally {
      inspector.close();
    }
    // Opening again does not migrate twice, and keeps what was written.
    await store.close();
    const again = openStore(dir);
    expect((await again.findRoom(roomId))?.ended).toEqual(ending);
    expect(await again.listSignals(roomId)).toHaveLength(1);
  });

  it('reports a failed ping after it was closed', async () => {
    const store = openStore(tempDir());
    await store.ping();
    await store.close();
    await expect(store.ping()).rejects.toThrow();
  });
});
