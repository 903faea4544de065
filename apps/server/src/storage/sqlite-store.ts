import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  DocumentChannel,
  isLanguage,
  type Language,
  type QuestionInput,
  type Role,
  type RunStatus,
  type SignalKind,
  type StarterCode,
} from '@interview/protocol';
import type {
  ChannelSeeds,
  ParticipantId,
  ParticipantRecord,
  QuestionRecord,
  RoomEnding,
  RoomRecord,
  RoomStore,
  RunRecord,
  SignalRecord,
  StoredDocument,
  StoredRun,
  UpdateRecord,
} from './room-store.js';
import { migrate } from './sqlite-schema.js';
import { SqliteWriter, type StatementCall } from './sqlite-writer.js';
import { WalCheckpointer } from './wal-checkpointer.js';

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
  ended_at: number | null;
  ended_by: string | null;
}

interface RunRow {
  run_id: string;
  language: string;
  code: string;
  by_name: string;
  by_role: string;
  started_at: number;
  finished_at: number | null;
  status: string | null;
  output: string;
  error: string | null;
  duration_ms: number | null;
}

function runFromRow(row: RunRow): RunRecord {
  return {
    runId: row.run_id,
    // Written only by saveRun from validated events: the casts restore the types it wrote.
    language: row.language as Language,
    code: row.code,
    by: { name: row.by_name, role: row.by_role as Role },
    startedAt: new Date(row.started_at),
    finishedAt: row.finished_at === null ? null : new Date(row.finished_at),
    status: row.status as RunStatus | null,
    output: row.output,
    error: row.error,
    durationMs: row.duration_ms,
  };
}

interface SignalRow {
  kind: string;
  at: number;
  by_name: string;
  by_role: string;
  chars: number | null;
  lines: number | null;
  away_ms: number | null;
}

function signalFromRow(row: SignalRow): SignalRecord {
  const signal: SignalRecord = { kind: row.kind as SignalKind, at: new Date(row.at), by: { name: row.by_name, role: row.by_role as Role } };
  if (row.chars !== null) signal.chars = row.chars;
  if (row.lines !== null) signal.lines = row.lines;
  if (row.away_ms !== null) signal.awayMs = row.away_ms;
  return signal;
}

interface ParticipantRow {
  name: string;
  role: string;
  joined_at: number;
  left_at: number | null;
}

function participantFromRow(row: ParticipantRow): ParticipantRecord {
  return {
    name: row.name,
    role: row.role as Role,
    joinedAt: new Date(row.joined_at),
    leftAt: row.left_at === null ? null : new Date(row.left_at),
  };
}

export const SQLITE_FILE = 'interview.sqlite';

export interface SqliteStoreOptions {
  /** Checkpoints moved back onto the store's own connection after the checkpointer failed. */
  onCheckpointerFailure?: (error: Error) => void;
}

/** Every statement that writes, by name, for SqliteWriter. */
const WRITES = {
  insertRoom: `INSERT INTO rooms (id, title, language, interviewer_token_hash, candidate_token_hash, created_at, ended_at, ended_by)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  setRoomStatus: 'UPDATE rooms SET ended_at = ?, ended_by = ? WHERE id = ?',
  // The conflict keeps the row, and so its id: a run keeps its place in the list.
  upsertRunRecord: `INSERT INTO runs (room_id, run_id, language, code, by_name, by_role, started_at, finished_at, status, output, error, duration_ms)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT(room_id, run_id) DO UPDATE SET language = excluded.language, code = excluded.code, by_name = excluded.by_name,
      by_role = excluded.by_role, started_at = excluded.started_at, finished_at = excluded.finished_at, status = excluded.status,
      output = excluded.output, error = excluded.error, duration_ms = excluded.duration_ms`,
  endUnfinishedRuns: "UPDATE runs SET status = 'stopped', finished_at = ?, error = ? WHERE room_id = ? AND status IS NULL",
  insertSignal: 'INSERT INTO signals (room_id, kind, at, by_name, by_role, chars, lines, away_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  insertParticipant: 'INSERT INTO participants (room_id, name, role, joined_at) VALUES (?, ?, ?, ?)',
  participantLeft: 'UPDATE participants SET left_at = ? WHERE room_id = ? AND id = ?',
  insertUpdate: 'INSERT INTO updates (room_id, doc, data, author_role, author_name, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  upsertSnapshot: `INSERT INTO snapshots (room_id, doc, state, through_seq, created_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT(room_id, doc) DO UPDATE SET state = excluded.state, through_seq = excluded.through_seq, created_at = excluded.created_at
    WHERE excluded.through_seq >= snapshots.through_seq`,
  upsertLatestRun: `INSERT INTO latest_runs (room_id, run, updated_at) VALUES (?, ?, ?)
    ON CONFLICT(room_id) DO UPDATE SET run = excluded.run, updated_at = excluded.updated_at`,
  insertQuestion: 'INSERT INTO questions (id, title, statement, starter_code, hints, built_in, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  updateQuestion: 'UPDATE questions SET title = ?, statement = ?, starter_code = ?, hints = ?, updated_at = ? WHERE id = ?',
  deleteQuestion: 'DELETE FROM questions WHERE id = ?',
} as const;

function call(statement: keyof typeof WRITES, ...params: StatementCall['params']): StatementCall {
  return { statement, params };
}


/** SQLite's own default: checkpoint once the WAL holds this many pages. */
const AUTOCHECKPOINT_PAGES = 1000;

/**
 * The default store: one SQLite file in the data folder, in WAL mode.
 * `synchronous=NORMAL` keeps every committed transaction across a process
 * crash (only an OS crash or power loss can lose the last commits).
 * Writes made in the same turn of the event loop share one commit
 * (`SqliteWriter`). Checkpoints, where the fsyncs are, run on a worker
 * thread (`WalCheckpointer`), never inside a commit.
 */
export class SqliteRoomStore implements RoomStore {
  private readonly db: Database.Database;
  private readonly statements;
  private readonly writer: SqliteWriter;
  private readonly checkpointer: WalCheckpointer;

  constructor(dataDir: string, options: SqliteStoreOptions = {}) {
    mkdirSync(dataDir, { recursive: true });
    const file = join(dataDir, SQLITE_FILE);
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    migrate(this.db, dataDir);
    this.db.pragma('wal_autocheckpoint = 0');
    this.writer = new SqliteWriter(this.db, WRITES);
    this.checkpointer = new WalCheckpointer({
      file,
      onFailure: (error) => {
        if (!this.db.open) return;
        // Checkpoints may run on any connection: this reading one takes them over.
        this.db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
        options.onCheckpointerFailure?.(error);
      },
    });
    this.statements = {
      findRoom: this.db.prepare<[string], RoomRow>('SELECT * FROM rooms WHERE id = ?'),
      listRuns: this.db.prepare<[string], RunRow>('SELECT * FROM runs WHERE room_id = ? ORDER BY started_at, id'),
      listSignals: this.db.prepare<[string], SignalRow>('SELECT * FROM signals WHERE room_id = ? ORDER BY at, id'),
      listParticipants: this.db.prepare<[string], ParticipantRow>('SELECT * FROM participants WHERE room_id = ? ORDER BY joined_at, id'),
      snapshot: this.db.prepare<[string, string], { state: Buffer; through_seq: number }>(
        'SELECT state, through_seq FROM snapshots WHERE room_id = ? AND doc = ?',
      ),
      updatesAfter: this.db.prepare<[string, string, number], { seq: number; data: Buffer }>(
        'SELECT seq, data FROM updates WHERE room_id = ? AND doc = ? AND seq > ? ORDER BY seq',
      ),
      latestRun: this.db.prepare<[string], { run: string }>('SELECT run FROM latest_runs WHERE room_id = ?'),
      listQuestions: this.db.prepare<[], QuestionRow>('SELECT * FROM questions ORDER BY built_in DESC, title COLLATE NOCASE, id'),
      getQuestion: this.db.prepare<[string], QuestionRow>('SELECT * FROM questions WHERE id = ?'),
    };
  }

  async createRoom(room: RoomRecord, seed: Uint8Array, channelSeeds: ChannelSeeds = {}): Promise<void> {
    const at = room.createdAt.getTime();
    await this.writer.write([
      call(
        'insertRoom',
        room.id,
        room.title,
        room.language,
        room.interviewerTokenHash,
        room.candidateTokenHash,
        at,
        room.ended?.at.getTime() ?? null,
        room.ended?.by ?? null,
      ),
      call('insertUpdate', room.id, DocumentChannel.main, seed, null, null, at),
      ...Object.entries(channelSeeds).map(([channel, update]) => call('insertUpdate', room.id, channel, update, null, null, at)),
    ]);
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
      ended: row.ended_at === null ? null : { at: new Date(row.ended_at), by: row.ended_by ?? '' },
    };
  }

  async setRoomStatus(roomId: string, ended: RoomEnding | null): Promise<boolean> {
    return (await this.writer.write([call('setRoomStatus', ended?.at.getTime() ?? null, ended?.by ?? null, roomId)])).changes > 0;
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

  async appendUpdate(record: UpdateRecord): Promise<number> {
    const { lastInsertRowid } = await this.writer.write([
      call(
        'insertUpdate',
        record.roomId,
        record.channel ?? DocumentChannel.main,
        record.update,
        record.author?.role ?? null,
        record.author?.name ?? null,
        record.at.getTime(),
      ),
    ]);
    return lastInsertRowid;
  }

  async saveSnapshot(roomId: string, state: Uint8Array, throughSeq: number, channel: DocumentChannel = DocumentChannel.main): Promise<void> {
    await this.writer.write([call('upsertSnapshot', roomId, channel, state, throughSeq, Date.now())]);
  }

  async saveLatestRun(roomId: string, run: StoredRun): Promise<void> {
    await this.writer.write([call('upsertLatestRun', roomId, JSON.stringify(run), Date.now())]);
  }

  async loadLatestRun(roomId: string): Promise<StoredRun | null> {
    const row = this.statements.latestRun.get(roomId);
    return row ? (JSON.parse(row.run) as StoredRun) : null;
  }

  async saveRun(roomId: string, run: RunRecord): Promise<void> {
    await this.writer.write([
      call(
        'upsertRunRecord',
        roomId,
        run.runId,
        run.language,
        run.code,
        run.by.name,
        run.by.role,
        run.startedAt.getTime(),
        run.finishedAt?.getTime() ?? null,
        run.status,
        run.output,
        run.error,
        run.durationMs,
      ),
    ]);
  }

  async listRuns(roomId: string): Promise<RunRecord[]> {
    return this.statements.listRuns.all(roomId).map(runFromRow);
  }

  async endUnfinishedRuns(roomId: string, at: Date, error: string): Promise<number> {
    return (await this.writer.write([call('endUnfinishedRuns', at.getTime(), error, roomId)])).changes;
  }

  async appendSignal(roomId: string, signal: SignalRecord): Promise<void> {
    await this.writer.write([
      call(
        'insertSignal',
        roomId,
        signal.kind,
        signal.at.getTime(),
        signal.by.name,
        signal.by.role,
        signal.chars ?? null,
        signal.lines ?? null,
        signal.awayMs ?? null,
      ),
    ]);
  }

  async listSignals(roomId: string): Promise<SignalRecord[]> {
    return this.statements.listSignals.all(roomId).map(signalFromRow);
  }

  async recordJoin(roomId: string, participant: { name: string; role: Role; joinedAt: Date }): Promise<ParticipantId> {
    const { lastInsertRowid } = await this.writer.write([
      call('insertParticipant', roomId, participant.name, participant.role, participant.joinedAt.getTime()),
    ]);
    return lastInsertRowid;
  }

  async recordLeave(roomId: string, id: ParticipantId, leftAt: Date): Promise<void> {
    await this.writer.write([call('participantLeft', leftAt.getTime(), roomId, id)]);
  }

  async listParticipants(roomId: string): Promise<ParticipantRecord[]> {
    return this.statements.listParticipants.all(roomId).map(participantFromRow);
  }

  async listQuestions(): Promise<QuestionRecord[]> {
    return this.statements.listQuestions.all().map(questionFromRow);
  }

  async getQuestion(id: string): Promise<QuestionRecord | null> {
    const row = this.statements.getQuestion.get(id);
    return row ? questionFromRow(row) : null;
  }

  async createQuestion(question: QuestionRecord): Promise<void> {
    await this.writer.write([
      call(
        'insertQuestion',
        question.id,
        question.title,
        question.statement,
        JSON.stringify(question.starterCode),
        question.hints ?? null,
        question.builtIn ? 1 : 0,
        question.createdAt.getTime(),
        question.updatedAt.getTime(),
      ),
    ]);
  }

  async updateQuestion(id: string, input: QuestionInput, updatedAt: Date): Promise<QuestionRecord | null> {
    const { changes } = await this.writer.write([
      call('updateQuestion', input.title, input.statement, JSON.stringify(input.starterCode), input.hints ?? null, updatedAt.getTime(), id),
    ]);
    return changes === 0 ? null : this.getQuestion(id);
  }

  async deleteQuestion(id: string): Promise<boolean> {
    return (await this.writer.write([call('deleteQuestion', id)])).changes > 0;
  }

  async ping(): Promise<void> {
    // A write with no statements still takes the write lock and commits: the file is writable.
    await this.writer.write([]);
  }

  async close(): Promise<void> {
    this.writer.close();
    await this.checkpointer.stop();
    this.db.close();
  }
}
