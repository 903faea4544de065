import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DocumentChannel, isLanguage, type QuestionInput, type StarterCode } from '@interview/protocol';
import type { ChannelSeeds, QuestionRecord, RoomRecord, RoomStore, StoredDocument, StoredRun, UpdateRecord } from './room-store.js';

/**
 * Version history (PRAGMA user_version):
 * 1. rooms, updates, snapshots (one per room), latest_runs.
 * 2. a room has several documents (channels): `doc` column in updates and
 *    snapshots, 'main' for everything written before; one snapshot per (room, doc).
 * 3. the question bank: `questions`.
 */
const SCHEMA_VERSION = 3;

const QUESTIONS_TABLE = `
CREATE TABLE IF NOT EXISTS questions (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  statement TEXT NOT NULL,
  starter_code TEXT NOT NULL,
  hints TEXT,
  built_in INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
`;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS rooms (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  language TEXT NOT NULL,
  interviewer_token_hash BLOB NOT NULL,
  candidate_token_hash BLOB NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS updates (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  room_id TEXT NOT NULL REFERENCES rooms(id),
  data BLOB NOT NULL,
  author_role TEXT,
  author_name TEXT,
  created_at INTEGER NOT NULL,
  doc TEXT NOT NULL DEFAULT 'main'
);
CREATE INDEX IF NOT EXISTS updates_by_room_doc ON updates(room_id, doc, seq);
CREATE TABLE IF NOT EXISTS snapshots (
  room_id TEXT NOT NULL REFERENCES rooms(id),
  doc TEXT NOT NULL DEFAULT 'main',
  state BLOB NOT NULL,
  through_seq INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (room_id, doc)
);
CREATE TABLE IF NOT EXISTS latest_runs (
  room_id TEXT PRIMARY KEY REFERENCES rooms(id),
  run TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
${QUESTIONS_TABLE}`;

/** From version 1: every existing update and snapshot belongs to the main document. */
const MIGRATE_1_TO_2 = `
ALTER TABLE updates ADD COLUMN doc TEXT NOT NULL DEFAULT 'main';
DROP INDEX IF EXISTS updates_by_room;
CREATE INDEX updates_by_room_doc ON updates(room_id, doc, seq);
CREATE TABLE snapshots_v2 (
  room_id TEXT NOT NULL REFERENCES rooms(id),
  doc TEXT NOT NULL DEFAULT 'main',
  state BLOB NOT NULL,
  through_seq INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (room_id, doc)
);
INSERT INTO snapshots_v2 (room_id, doc, state, through_seq, created_at)
  SELECT room_id, 'main', state, through_seq, created_at FROM snapshots;
DROP TABLE snapshots;
ALTER TABLE snapshots_v2 RENAME TO snapshots;
`;

/** From version 2: the question bank, empty (the server seeds its built-in questions at start). */
const MIGRATE_2_TO_3 = QUESTIONS_TABLE;

interface QuestionRow {
  id: string;
  title: string;
  statement: string;
  starter_code: string;
  hints: string | null;
  built_in: number;
  created_at: number;
  updated_at: number;
}

function questionFromRow(row: QuestionRow): QuestionRecord {
  const question: QuestionRecord = {
    id: row.id,
    title: row.title,
    statement: row.statement,
    starterCode: JSON.parse(row.starter_code) as StarterCode,
    builtIn: row.built_in === 1,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
  if (row.hints !== null) question.hints = row.hints;
  return question;
}

interface RoomRow {
  id: string;
  title: string;
  language: string;
  interviewer_token_hash: Buffer;
  candidate_token_hash: Buffer;
  created_at: number;
}

interface PendingUpdate {
  record: UpdateRecord;
  resolve: (seq: number) => void;
  reject: (error: unknown) => void;
}

export const SQLITE_FILE = 'interview.sqlite';

/**
 * The default store: one SQLite file in the data folder, in WAL mode.
 * `synchronous=NORMAL` keeps every committed transaction across a process
 * crash (only an OS crash or power loss can lose the last commits).
 * Updates that arrive in the same turn of the event loop share one commit.
 */
export class SqliteRoomStore implements RoomStore {
  private readonly db: Database.Database;
  private pending: PendingUpdate[] = [];
  private flushScheduled = false;
  private readonly statements;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new Database(join(dataDir, SQLITE_FILE));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new Error(`the database in ${dataDir} has schema version ${version}; this server knows ${SCHEMA_VERSION} (downgrade not supported)`);
    }
    this.db.transaction(() => {
      if (version === 0) this.db.exec(SCHEMA);
      if (version === 1) this.db.exec(MIGRATE_1_TO_2);
      if (version >= 1 && version < 3) this.db.exec(MIGRATE_2_TO_3);
      this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    })();
    this.statements = {
      insertRoom: this.db.prepare(
        'INSERT INTO rooms (id, title, language, interviewer_token_hash, candidate_token_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      findRoom: this.db.prepare<[string], RoomRow>('SELECT * FROM rooms WHERE id = ?'),
      insertUpdate: this.db.prepare(
        'INSERT INTO updates (room_id, doc, data, author_role, author_name, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      snapshot: this.db.prepare<[string, string], { state: Buffer; through_seq: number }>(
        'SELECT state, through_seq FROM snapshots WHERE room_id = ? AND doc = ?',
      ),
      updatesAfter: this.db.prepare<[string, string, number], { seq: number; data: Buffer }>(
        'SELECT seq, data FROM updates WHERE room_id = ? AND doc = ? AND seq > ? ORDER BY seq',
      ),
      upsertSnapshot: this.db.prepare(
        `INSERT INTO snapshots (room_id, doc, state, through_seq, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(room_id, doc) DO UPDATE SET state = excluded.state, through_seq = excluded.through_seq, created_at = excluded.created_at
         WHERE excluded.through_seq >= snapshots.through_seq`,
      ),
      upsertRun: this.db.prepare(
        `INSERT INTO latest_runs (room_id, run, updated_at) VALUES (?, ?, ?)
         ON CONFLICT(room_id) DO UPDATE SET run = excluded.run, updated_at = excluded.updated_at`,
      ),
      latestRun: this.db.prepare<[string], { run: string }>('SELECT run FROM latest_runs WHERE room_id = ?'),
      listQuestions: this.db.prepare<[], QuestionRow>('SELECT * FROM questions ORDER BY built_in DESC, title COLLATE NOCASE, id'),
      getQuestion: this.db.prepare<[string], QuestionRow>('SELECT * FROM questions WHERE id = ?'),
      insertQuestion: this.db.prepare(
        'INSERT INTO questions (id, title, statement, starter_code, hints, built_in, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      updateQuestion: this.db.prepare(
        'UPDATE questions SET title = ?, statement = ?, starter_code = ?, hints = ?, updated_at = ? WHERE id = ?',
      ),
      deleteQuestion: this.db.prepare('DELETE FROM questions WHERE id = ?'),
    };
  }

  async createRoom(room: RoomRecord, seed: Uint8Array, channelSeeds: ChannelSeeds = {}): Promise<void> {
    this.db.transaction(() => {
      this.statements.insertRoom.run(
        room.id,
        room.title,
        room.language,
        Buffer.from(room.interviewerTokenHash),
        Buffer.from(room.candidateTokenHash),
        room.createdAt.getTime(),
      );
      this.statements.insertUpdate.run(room.id, DocumentChannel.main, Buffer.from(seed), null, null, room.createdAt.getTime());
      for (const [channel, update] of Object.entries(channelSeeds)) {
        this.statements.insertUpdate.run(room.id, channel, Buffer.from(update), null, null, room.createdAt.getTime());
      }
    })();
  }

  async findRoom(roomId: string): Promise<RoomRecord | null> {
    const row = this.statements.findRoom.get(roomId);
    if (!row) return null;
    if (!isLanguage(row.language)) throw new Error(`room ${roomId} has an unknown language "${row.language}"`);
    return {
      id: row.id,
      title: row.title,
      language: row.language,
      interviewerTokenHash: row.interviewer_token_hash,
      candidateTokenHash: row.candidate_token_hash,
      createdAt: new Date(row.created_at),
    };
  }

  async loadDocument(roomId: string, channel: DocumentChannel = DocumentChannel.main): Promise<StoredDocument> {
    return this.db.transaction(() => {
      const snapshot = this.statements.snapshot.get(roomId, channel);
      const after = snapshot?.through_seq ?? 0;
      const rows = this.statements.updatesAfter.all(roomId, channel, after);
      return {
        snapshot: snapshot ? new Uint8Array(snapshot.state) : null,
        updates: rows.map((row) => new Uint8Array(row.data)),
        lastSeq: rows.at(-1)?.seq ?? after,
      };
    })();
  }

  appendUpdate(record: UpdateRecord): Promise<number> {
    return new Promise((resolve, reject) => {
      this.pending.push({ record, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flushUpdates());
      }
    });
  }

  private flushUpdates(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    let seqs: number[];
    try {
      seqs = this.db.transaction(() =>
        batch.map(({ record }) =>
          Number(
            this.statements.insertUpdate.run(
              record.roomId,
              record.channel ?? DocumentChannel.main,
              Buffer.from(record.update),
              record.author?.role ?? null,
              record.author?.name ?? null,
              record.at.getTime(),
            ).lastInsertRowid,
          ),
        ),
      )();
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, i) => item.resolve(seqs[i]!));
  }

  async saveSnapshot(roomId: string, state: Uint8Array, throughSeq: number, channel: DocumentChannel = DocumentChannel.main): Promise<void> {
    this.statements.upsertSnapshot.run(roomId, channel, Buffer.from(state), throughSeq, Date.now());
  }

  async saveLatestRun(roomId: string, run: StoredRun): Promise<void> {
    this.statements.upsertRun.run(roomId, JSON.stringify(run), Date.now());
  }

  async loadLatestRun(roomId: string): Promise<StoredRun | null> {
    const row = this.statements.latestRun.get(roomId);
    return row ? (JSON.parse(row.run) as StoredRun) : null;
  }

  async listQuestions(): Promise<QuestionRecord[]> {
    return this.statements.listQuestions.all().map(questionFromRow);
  }

  async getQuestion(id: string): Promise<QuestionRecord | null> {
    const row = this.statements.getQuestion.get(id);
    return row ? questionFromRow(row) : null;
  }

  async createQuestion(question: QuestionRecord): Promise<void> {
    this.statements.insertQuestion.run(
      question.id,
      question.title,
      question.statement,
      JSON.stringify(question.starterCode),
      question.hints ?? null,
      question.builtIn ? 1 : 0,
      question.createdAt.getTime(),
      question.updatedAt.getTime(),
    );
  }

  async updateQuestion(id: string, input: QuestionInput, updatedAt: Date): Promise<QuestionRecord | null> {
    const { changes } = this.statements.updateQuestion.run(
      input.title,
      input.statement,
      JSON.stringify(input.starterCode),
      input.hints ?? null,
      updatedAt.getTime(),
      id,
    );
    return changes === 0 ? null : this.getQuestion(id);
  }

  async deleteQuestion(id: string): Promise<boolean> {
    return this.statements.deleteQuestion.run(id).changes > 0;
  }

  async ping(): Promise<void> {
    // Taking the write lock proves the file is writable, not just readable.
    this.db.exec('BEGIN IMMEDIATE; ROLLBACK');
  }

  async close(): Promise<void> {
    this.flushUpdates();
    this.db.close();
  }
}
