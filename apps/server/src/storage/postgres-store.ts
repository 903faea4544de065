import pg from 'pg';
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
import { migratePostgres } from './postgres-schema.js';

export interface PostgresStoreOptions {
  /** Most connections the store opens at once (default 10). */
  poolSize?: number;
  /**
   * Told about errors of idle connections (the database restarted, a proxy
   * cut the connection). The pool has already dropped that connection and
   * opens a new one when needed; without a listener such an error would end
   * the process.
   */
  onIdleError?: (error: Error) => void;
}

/** What the group commit did, for tests and metrics. */
export interface AppendStats {
  /** Append transactions attempted (committed or not). */
  transactions: number;
  /** Updates those transactions carried. */
  updates: number;
  /** Most append transactions ever in flight at once; 1 by design. */
  maxInFlight: number;
}

const DEFAULT_POOL_SIZE = 10;
/** Bounds waiting for a connection, so that an unreachable database fails calls instead of hanging them. */
const CONNECT_TIMEOUT_MS = 10_000;
/** A batch stays well below PostgreSQL's 65535 parameters (7 per update) and its 1 GB message. */
const MAX_BATCH_UPDATES = 1000;
const MAX_BATCH_BYTES = 16 * 1024 * 1024;

function parseSafeInteger(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`bigint ${text} is beyond Number.MAX_SAFE_INTEGER`);
  return value;
}

/**
 * Seqs and row ids are `bigint`, which pg hands over as strings by default.
 * They stay far below 2^53, so this pool reads them as numbers (and fails
 * loudly rather than rounding if one ever is not). Per pool, so other pg
 * users in the process keep the default.
 */
const TYPES: pg.CustomTypesConfig = {
  // The cast restores pg-types' overloaded signature, which a plain function cannot declare.
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 && format !== 'binary'
      ? parseSafeInteger
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** The database a URL names, without password or options, for error messages. */
export function describeDatabase(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    const user = url.username ? `${url.username}@` : '';
    return `${url.protocol}//${user}${url.host}${url.pathname}`;
  } catch {
    return '(unparsable database URL)';
  }
}

/** Messages for the constraint violations a call can expect, naming its room or question. */
interface ExpectedViolations {
  /** unique_violation (23505) */
  unique?: string;
  /** foreign_key_violation (23503) */
  foreignKey?: string;
}

/** A failed store call: says what was being done (which room, which question); pg's error is its cause. */
export class PostgresStoreError extends Error {
  override readonly name = 'PostgresStoreError';
}

function storeError(doing: string, error: unknown, expected: ExpectedViolations = {}): PostgresStoreError {
  if (error instanceof PostgresStoreError) return error;
  if (error instanceof pg.DatabaseError) {
    if (error.code === '23505' && expected.unique) return new PostgresStoreError(`${doing}: ${expected.unique}`, { cause: error });
    if (error.code === '23503' && expected.foreignKey) return new PostgresStoreError(`${doing}: ${expected.foreignKey}`, { cause: error });
    const detail = error.detail ? ` (${error.detail})` : '';
    return new PostgresStoreError(`${doing}: ${error.message}${detail} [PostgreSQL ${error.code ?? 'error'}]`, { cause: error });
  }
  return new PostgresStoreError(`${doing}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}

/** A view on pg's Buffer, so callers get a plain Uint8Array as from every store. */
const bytesOf = (buffer: Buffer): Uint8Array => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');

interface RoomRow {
  id: string;
  title: string;
  language: string;
  interviewer_token_hash: Buffer;
  candidate_token_hash: Buffer;
  created_at: Date;
  ended_at: Date | null;
  ended_by: string | null;
}

interface DocumentRow {
  kind: 'snapshot' | 'update';
  seq: number;
  data: Buffer;
}

interface QuestionRow {
  id: string;
  title: string;
  statement: string;
  starter_code: string;
  hints: string | null;
  built_in: boolean;
  created_at: Date;
  updated_at: Date;
}

function questionFromRow(row: QuestionRow): QuestionRecord {
  const question: QuestionRecord = {
    id: row.id,
    title: row.title,
    statement: row.statement,
    starterCode: JSON.parse(row.starter_code) as StarterCode,
    builtIn: row.built_in,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  if (row.hints !== null) question.hints = row.hints;
  return question;
}

interface RunRow {
  run_id: string;
  language: string;
  code: Buffer;
  by_name: string;
  by_role: string;
  started_at: Date;
  finished_at: Date | null;
  status: string | null;
  output: Buffer;
  error: Buffer | null;
  duration_ms: number | null;
}

function runFromRow(row: RunRow): RunRecord {
  return {
    runId: row.run_id,
    // Written only by saveRun from validated events: the casts restore the types it wrote.
    language: row.language as Language,
    code: row.code.toString('utf8'),
    by: { name: row.by_name, role: row.by_role as Role },
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    status: row.status as RunStatus | null,
    output: row.output.toString('utf8'),
    error: row.error === null ? null : row.error.toString('utf8'),
    durationMs: row.duration_ms,
  };
}

interface SignalRow {
  kind: string;
  at: Date;
  by_name: string;
  by_role: string;
  chars: number | null;
  lines: number | null;
  away_ms: number | null;
}

function signalFromRow(row: SignalRow): SignalRecord {
  const signal: SignalRecord = { kind: row.kind as SignalKind, at: row.at, by: { name: row.by_name, role: row.by_role as Role } };
  if (row.chars !== null) signal.chars = row.chars;
  if (row.lines !== null) signal.lines = row.lines;
  if (row.away_ms !== null) signal.awayMs = row.away_ms;
  return signal;
}

interface ParticipantRow {
  name: string;
  role: string;
  joined_at: Date;
  left_at: Date | null;
}

function participantFromRow(row: ParticipantRow): ParticipantRecord {
  return { name: row.name, role: row.role as Role, joinedAt: row.joined_at, leftAt: row.left_at };
}

interface PendingUpdate {
  record: UpdateRecord;
  resolve: (seq: number) => void;
  reject: (error: unknown) => void;
}

type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

/**
 * The scale-out store: every server process of a deployment opens one over
 * the same PostgreSQL database (or schema, through `search_path`). Appends
 * share commits: while one append transaction is in flight, every further
 * call waits for the next one.
 */
export class PostgresRoomStore implements RoomStore {
  readonly appendStats: AppendStats = { transactions: 0, updates: 0, maxInFlight: 0 };
  private queue: PendingUpdate[] = [];
  private draining: Promise<void> | null = null;
  private inFlight = 0;
  private closing: Promise<void> | null = null;

  private constructor(private readonly pool: pg.Pool) {}

  /** Connects, brings the schema up to date, and resolves with the store. */
  static async open(databaseUrl: string, options: PostgresStoreOptions = {}): Promise<PostgresRoomStore> {
    const pool = new pg.Pool({
      connectionString: databaseUrl,
      max: options.poolSize ?? DEFAULT_POOL_SIZE,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      types: TYPES,
    });
    const onIdleError = options.onIdleError ?? (() => undefined);
    pool.on('error', onIdleError);
    const where = describeDatabase(databaseUrl);
    try {
      await migratePostgres(pool, where);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw storeError(`could not open the PostgreSQL database ${where}`, error);
    }
    return new PostgresRoomStore(pool);
  }

  private async query<R extends pg.QueryResultRow>(
    doing: string,
    sql: string,
    params: unknown[],
    expected?: ExpectedViolations,
    on: Queryable = this.pool,
  ): Promise<pg.QueryResult<R>> {
    try {
      return await on.query<R>(sql, params);
    } catch (error) {
      throw storeError(doing, error, expected);
    }
  }

  /** Runs `work` in one transaction on one connection; rolls back when it throws. */
  private async transaction<T>(doing: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw storeError(doing, error);
    }
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      // A connection that cannot even roll back is dropped instead of returned to the pool.
      await client.query('ROLLBACK').catch(() => (broken = true));
      throw storeError(doing, error);
    } finally {
      client.release(broken);
    }
  }

  async createRoom(room: RoomRecord, seed: Uint8Array, channelSeeds: ChannelSeeds = {}): Promise<void> {
    const doing = `could not create room ${room.id}`;
    await this.transaction(doing, async (client) => {
      await this.query(
        doing,
        `INSERT INTO rooms (id, title, language, interviewer_token_hash, candidate_token_hash, created_at, ended_at, ended_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          room.id,
          room.title,
          room.language,
          room.interviewerTokenHash,
          room.candidateTokenHash,
          room.createdAt,
          room.ended?.at ?? null,
          room.ended?.by ?? null,
        ],
        { unique: `room ${room.id} already exists` },
        client,
      );
      const seeds: Array<[string, Uint8Array]> = [[DocumentChannel.main, seed], ...Object.entries(channelSeeds)];
      for (const [channel, update] of seeds) {
        await this.query(
          doing,
          'INSERT INTO updates (room_id, doc, data, created_at) VALUES ($1, $2, $3, $4)',
          [room.id, channel, update, room.createdAt],
          {},
          client,
        );
      }
    });
  }

  async findRoom(roomId: string): Promise<RoomRecord | null> {
    const { rows } = await this.query<RoomRow>(`could not read room ${roomId}`, 'SELECT * FROM rooms WHERE id = $1', [roomId]);
    const row = rows[0];
    if (!row) return null;
    if (!isLanguage(row.language)) throw new Error(`room ${roomId} has an unknown language "${row.language}"`);
    return {
      id: row.id,
      title: row.title,
      language: row.language,
      interviewerTokenHash: bytesOf(row.interviewer_token_hash),
      candidateTokenHash: bytesOf(row.candidate_token_hash),
      createdAt: row.created_at,
      ended: row.ended_at === null ? null : { at: row.ended_at, by: row.ended_by ?? '' },
    };
  }

  async setRoomStatus(roomId: string, ended: RoomEnding | null): Promise<boolean> {
    const result = await this.query(
      `could not set the status of room ${roomId}`,
      'UPDATE rooms SET ended_at = $1, ended_by = $2 WHERE id = $3',
      [ended?.at ?? null, ended?.by ?? null, roomId],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async loadDocument(roomId: string, channel: DocumentChannel = DocumentChannel.main): Promise<StoredDocument> {
    // One statement reads from one snapshot of the database: the updates
    // after the snapshot's through_seq are those of the same moment.
    const { rows } = await this.query<DocumentRow>(
      `could not load the ${channel} document of room ${roomId}`,
      `WITH snap AS (SELECT state, through_seq FROM snapshots WHERE room_id = $1 AND doc = $2)
       SELECT 'snapshot' AS kind, through_seq AS seq, state AS data FROM snap
       UNION ALL
       SELECT 'update', seq, data FROM updates
        WHERE room_id = $1 AND doc = $2 AND seq > COALESCE((SELECT through_seq FROM snap), 0)
       ORDER BY seq`,
      [roomId, channel],
    );
    const snapshot = rows[0]?.kind === 'snapshot' ? rows[0] : null;
    const updates = snapshot ? rows.slice(1) : rows;
    return {
      snapshot: snapshot ? bytesOf(snapshot.data) : null,
      updates: updates.map((row) => bytesOf(row.data)),
      lastSeq: rows.at(-1)?.seq ?? 0,
    };
  }

  appendUpdate(record: UpdateRecord): Promise<number> {
    if (this.closing) return Promise.reject(new PostgresStoreError(`could not append to room ${record.roomId}: the store is closed`));
    return new Promise((resolve, reject) => {
      this.queue.push({ record, resolve, reject });
      this.draining ??= this.drainAppends();
    });
  }

  /** Commits queued appends one batch at a time until the queue is empty. */
  private async drainAppends(): Promise<void> {
    // Calls made in the same turn of the event loop share the first commit.
    await new Promise<void>((resolve) => setImmediate(resolve));
    for (;;) {
      const batch = this.takeBatch();
      if (batch.length === 0) {
        // Cleared in the same step as the empty check, so the next call starts a new drain.
        this.draining = null;
        return;
      }
      this.appendStats.transactions += 1;
      this.appendStats.updates += batch.length;
      this.inFlight += 1;
      this.appendStats.maxInFlight = Math.max(this.appendStats.maxInFlight, this.inFlight);
      try {
        const seqs = await this.commitAppends(batch);
        batch.forEach((item, i) => item.resolve(seqs[i]!));
      } catch (error) {
        for (const item of batch) item.reject(error);
      } finally {
        this.inFlight -= 1;
      }
    }
  }

  private takeBatch(): PendingUpdate[] {
    let count = 0;
    let bytes = 0;
    while (count < this.queue.length && count < MAX_BATCH_UPDATES) {
      bytes += this.queue[count]!.record.update.byteLength;
      // Always at least one, however large.
      if (count > 0 && bytes > MAX_BATCH_BYTES) break;
      count += 1;
    }
    return this.queue.splice(0, count);
  }

  private async commitAppends(batch: PendingUpdate[]): Promise<number[]> {
    const roomIds = [...new Set(batch.map(({ record }) => record.roomId))].sort();
    const doing = `could not append ${batch.length} update(s) to room(s) ${roomIds.join(', ')}`;
    return this.transaction(doing, async (client) => {
      // Seqs come from one sequence shared by every server on this database.
      // A sequence hands out numbers in call order, but transactions commit
      // in any order: without this lock, server A could draw seq 10 and B
      // seq 11 for the same room, B commit first, and a reader see 11
      // without 10; a snapshot through 11 would then skip 10 forever. Holding
      // each room's row lock from before its seqs are drawn until commit
      // means a room's next seq is drawn only once every earlier one is
      // committed, so what anyone reads of a room is a prefix in seq order.
      // Locking in one order (by id) keeps two batches over the same rooms
      // from deadlocking; NO KEY UPDATE still lets the foreign-key checks of
      // the room's other writes (runs, signals, joins) through.
      const locked = await this.query<{ id: string }>(
        doing,
        'SELECT id FROM rooms WHERE id = ANY($1::text[]) ORDER BY id FOR NO KEY UPDATE',
        [roomIds],
        {},
        client,
      );
      if (locked.rows.length !== roomIds.length) {
        const found = new Set(locked.rows.map((row) => row.id));
        const missing = roomIds.filter((id) => !found.has(id));
        throw new PostgresStoreError(`${doing}: no room ${missing.join(', ')}`);
      }
      // Drawing the seqs first and inserting them explicitly maps each call
      // to its seq by construction (the i-th call gets the i-th smallest);
      // RETURNING from a multi-row INSERT promises no row order.
      const drawn = await this.query<{ seq: number }>(
        doing,
        "SELECT nextval(pg_get_serial_sequence('updates', 'seq')) AS seq FROM generate_series(1, $1::integer)",
        [batch.length],
        {},
        client,
      );
      const seqs = drawn.rows.map((row) => row.seq).sort((a, b) => a - b);
      const placeholders: string[] = [];
      const params: unknown[] = [];
      batch.forEach(({ record }, i) => {
        const base = i * 7;
        placeholders.push(`($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}, $${base + 6}, $${base + 7})`);
        params.push(
          seqs[i],
          record.roomId,
          record.channel ?? DocumentChannel.main,
          record.update,
          record.author?.role ?? null,
          record.author?.name ?? null,
          record.at,
        );
      });
      await this.query(
        doing,
        `INSERT INTO updates (seq, room_id, doc, data, author_role, author_name, created_at) VALUES ${placeholders.join(', ')}`,
        params,
        {},
        client,
      );
      return seqs;
    });
  }

  async saveSnapshot(roomId: string, state: Uint8Array, throughSeq: number, channel: DocumentChannel = DocumentChannel.main): Promise<void> {
    await this.query(
      `could not save a snapshot of the ${channel} document of room ${roomId} through seq ${throughSeq}`,
      `INSERT INTO snapshots (room_id, doc, state, through_seq, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (room_id, doc) DO UPDATE SET state = excluded.state, through_seq = excluded.through_seq, created_at = excluded.created_at
       WHERE excluded.through_seq >= snapshots.through_seq`,
      [roomId, channel, state, throughSeq, new Date()],
      { foreignKey: `no room ${roomId}` },
    );
  }

  async saveLatestRun(roomId: string, run: StoredRun): Promise<void> {
    await this.query(
      `could not save the latest run of room ${roomId}`,
      `INSERT INTO latest_runs (room_id, run, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (room_id) DO UPDATE SET run = excluded.run, updated_at = excluded.updated_at`,
      [roomId, JSON.stringify(run), new Date()],
      { foreignKey: `no room ${roomId}` },
    );
  }

  async loadLatestRun(roomId: string): Promise<StoredRun | null> {
    const { rows } = await this.query<{ run: string }>(
      `could not load the latest run of room ${roomId}`,
      'SELECT run FROM latest_runs WHERE room_id = $1',
      [roomId],
    );
    return rows[0] ? (JSON.parse(rows[0].run) as StoredRun) : null;
  }

  async saveRun(roomId: string, run: RunRecord): Promise<void> {
    // The conflict keeps the row, and so its id: a run keeps its place in the list.
    await this.query(
      `could not save run ${run.runId} of room ${roomId}`,
      `INSERT INTO runs (room_id, run_id, language, code, by_name, by_role, started_at, finished_at, status, output, error, duration_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (room_id, run_id) DO UPDATE SET language = excluded.language, code = excluded.code, by_name = excluded.by_name,
         by_role = excluded.by_role, started_at = excluded.started_at, finished_at = excluded.finished_at, status = excluded.status,
         output = excluded.output, error = excluded.error, duration_ms = excluded.duration_ms`,
      [
        roomId,
        run.runId,
        run.language,
        utf8(run.code),
        run.by.name,
        run.by.role,
        run.startedAt,
        run.finishedAt,
        run.status,
        utf8(run.output),
        run.error === null ? null : utf8(run.error),
        run.durationMs,
      ],
      { foreignKey: `no room ${roomId}` },
    );
  }

  async listRuns(roomId: string): Promise<RunRecord[]> {
    const { rows } = await this.query<RunRow>(
      `could not list the runs of room ${roomId}`,
      'SELECT * FROM runs WHERE room_id = $1 ORDER BY started_at, id',
      [roomId],
    );
    return rows.map(runFromRow);
  }

  async endUnfinishedRuns(roomId: string, at: Date, error: string): Promise<number> {
    const result = await this.query(
      `could not end the unfinished runs of room ${roomId}`,
      "UPDATE runs SET status = 'stopped', finished_at = $1, error = $2 WHERE room_id = $3 AND status IS NULL",
      [at, utf8(error), roomId],
    );
    return result.rowCount ?? 0;
  }

  async appendSignal(roomId: string, signal: SignalRecord): Promise<void> {
    await this.query(
      `could not store a ${signal.kind} signal of room ${roomId}`,
      'INSERT INTO signals (room_id, kind, at, by_name, by_role, chars, lines, away_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      [roomId, signal.kind, signal.at, signal.by.name, signal.by.role, signal.chars ?? null, signal.lines ?? null, signal.awayMs ?? null],
      { foreignKey: `no room ${roomId}` },
    );
  }

  async listSignals(roomId: string): Promise<SignalRecord[]> {
    const { rows } = await this.query<SignalRow>(
      `could not list the signals of room ${roomId}`,
      'SELECT * FROM signals WHERE room_id = $1 ORDER BY at, id',
      [roomId],
    );
    return rows.map(signalFromRow);
  }

  async recordJoin(roomId: string, participant: { name: string; role: Role; joinedAt: Date }): Promise<ParticipantId> {
    const { rows } = await this.query<{ id: number }>(
      `could not record a join to room ${roomId}`,
      'INSERT INTO participants (room_id, name, role, joined_at) VALUES ($1, $2, $3, $4) RETURNING id',
      [roomId, participant.name, participant.role, participant.joinedAt],
      { foreignKey: `no room ${roomId}` },
    );
    return rows[0]!.id;
  }

  async recordLeave(roomId: string, id: ParticipantId, leftAt: Date): Promise<void> {
    await this.query(
      `could not record a leave from room ${roomId}`,
      'UPDATE participants SET left_at = $1 WHERE room_id = $2 AND id = $3',
      [leftAt, roomId, id],
    );
  }

  async listParticipants(roomId: string): Promise<ParticipantRecord[]> {
    const { rows } = await this.query<ParticipantRow>(
      `could not list the participants of room ${roomId}`,
      'SELECT * FROM participants WHERE room_id = $1 ORDER BY joined_at, id',
      [roomId],
    );
    return rows.map(participantFromRow);
  }

  async listQuestions(): Promise<QuestionRecord[]> {
    const { rows } = await this.query<QuestionRow>(
      'could not list the questions',
      'SELECT * FROM questions ORDER BY built_in DESC, lower(title), id',
      [],
    );
    return rows.map(questionFromRow);
  }

  async getQuestion(id: string): Promise<QuestionRecord | null> {
    const { rows } = await this.query<QuestionRow>(`could not read question ${id}`, 'SELECT * FROM questions WHERE id = $1', [id]);
    return rows[0] ? questionFromRow(rows[0]) : null;
  }

  async createQuestion(question: QuestionRecord): Promise<void> {
    await this.query(
      `could not create question ${question.id}`,
      `INSERT INTO questions (id, title, statement, starter_code, hints, built_in, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        question.id,
        question.title,
        question.statement,
        JSON.stringify(question.starterCode),
        question.hints ?? null,
        question.builtIn,
        question.createdAt,
        question.updatedAt,
      ],
      { unique: `question ${question.id} already exists` },
    );
  }

  async updateQuestion(id: string, input: QuestionInput, updatedAt: Date): Promise<QuestionRecord | null> {
    const { rows } = await this.query<QuestionRow>(
      `could not update question ${id}`,
      `UPDATE questions SET title = $1, statement = $2, starter_code = $3, hints = $4, updated_at = $5 WHERE id = $6
       RETURNING *`,
      [input.title, input.statement, JSON.stringify(input.starterCode), input.hints ?? null, updatedAt, id],
    );
    return rows[0] ? questionFromRow(rows[0]) : null;
  }

  async deleteQuestion(id: string): Promise<boolean> {
    const result = await this.query(`could not delete question ${id}`, 'DELETE FROM questions WHERE id = $1', [id]);
    return (result.rowCount ?? 0) > 0;
  }

  async ping(): Promise<void> {
    await this.query('the PostgreSQL database does not answer', 'SELECT 1', []);
  }

  /** Waits for queued appends to commit (or fail), then closes every connection. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      while (this.draining) await this.draining;
      await this.pool.end();
    })();
    return this.closing;
  }
}
