import type { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { startSqliteWorker } from './sqlite-worker.js';

/**
 * Every write of the SQLite store, on a worker thread with its own
 * connection. Inserting a document update costs little; committing it
 * costs much more (SQLite writes each page the commit dirtied into the WAL,
 * and with hundreds of rooms every update dirties a page of its own). On the
 * relay's event loop that work delayed every room; here it runs beside it,
 * and the relay only waits for the commit it needs before relaying.
 *
 * Writes made in one turn of the event loop travel to the worker as one
 * message and share one transaction; each write is atomic on its own (a
 * savepoint), so one that fails leaves the others committed. The worker
 * handles messages in order, so writes commit in the order they were made,
 * and a read made after a write resolved sees it (WAL readers see every
 * committed transaction).
 */

/** A value SQLite can bind. */
export type SqlValue = string | number | bigint | Uint8Array | null;

export interface StatementCall {
  /** A name from the writer's statement table. */
  statement: string;
  params: readonly SqlValue[];
}

/** Of the last statement of a write. */
export interface WriteOutcome {
  changes: number;
  lastInsertRowid: number;
}

type StepResult = { ok: true; changes: number; lastInsertRowid: number } | { ok: false; message: string; code: string | null };

interface BatchReply {
  kind: 'batch';
  id: number;
  results: StepResult[];
}

interface FatalReply {
  kind: 'fatal';
  message: string;
}

/** One write as it travels to the worker: [statement name, params] per statement. */
type SerializedWrite = Array<[string, readonly SqlValue[]]>;

/**
 * Runs batches of writes on `db`: each batch in one transaction, each write
 * in it atomic on its own. Self-contained (no imports, no outer names), as
 * its source text also runs inside the worker.
 */
export function batchRunner(db: Database.Database, sql: Readonly<Record<string, string>>): (writes: SerializedWrite[]) => StepResult[] {
  const statements = new Map(Object.entries(sql).map(([name, text]) => [name, db.prepare(text)]));
  const savepoint = db.prepare('SAVEPOINT write');
  const release = db.prepare('RELEASE write');
  const rollbackTo = db.prepare('ROLLBACK TO write');
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  const failure = (error: unknown): StepResult => ({
    ok: false,
    message: error instanceof Error ? error.message : String(error),
    code: typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : null,
  });
  const runWrite = (calls: SerializedWrite): StepResult => {
    let info = { changes: 0, lastInsertRowid: 0 as number | bigint };
    for (const [name, params] of calls) {
      const statement = statements.get(name);
      if (!statement) throw new Error(`unknown statement ${name}`);
      // Blobs may arrive as Uint8Array views (from another thread); the driver binds Buffers.
      info = statement.run(...params.map((value) => (value instanceof Uint8Array && !Buffer.isBuffer(value) ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : value)));
    }
    return { ok: true, changes: info.changes, lastInsertRowid: Number(info.lastInsertRowid) };
  };
  return (writes) => {
    try {
      begin.run();
      const results = writes.map((calls) => {
        // A single statement is atomic by itself; several need a savepoint to fail together.
        if (calls.length <= 1) {
          try {
            return runWrite(calls);
          } catch (error) {
            return failure(error);
          }
        }
        savepoint.run();
        try {
          const result = runWrite(calls);
          release.run();
          return result;
        } catch (error) {
          rollbackTo.run();
          release.run();
          return failure(error);
        }
      });
      commit.run();
      return results;
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      const failed = failure(error);
      return writes.map(() => failed);
    }
  };
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
// Some TypeScript transforms wrap functions to keep their names; the wrapper is not needed here.
const __name = (fn) => fn;
let db;
let runBatch;
try {
  const Database = require(workerData.driver);
  db = new Database(workerData.file, { fileMustExist: true });
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Checkpoints have their own thread (WalCheckpointer): never inside a commit here.
  db.pragma('wal_autocheckpoint = 0');
  runBatch = (${batchRunner.toString()})(db, workerData.statements);
} catch (error) {
  parentPort.postMessage({ kind: 'fatal', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}
parentPort.on('message', (message) => {
  if (message === 'stop') {
    db.close();
    parentPort.close();
    return;
  }
  parentPort.postMessage({ kind: 'batch', id: message.id, results: runBatch(message.steps) });
});
`;

interface PendingWrite {
  calls: StatementCall[];
  /** Must reach the worker's connection (the health check's proof that it works). */
  viaWorker: boolean;
  resolve: (outcome: WriteOutcome) => void;
  reject: (error: Error) => void;
}

export interface SqliteWriterOptions {
  /** The database file, in WAL mode, already migrated. */
  file: string;
  /** Name → SQL of every statement a write may use. */
  statements: Readonly<Record<string, string>>;
  /**
   * The worker stopped working. Writes in flight are rejected (whether they
   * committed is unknown); with an `inline` connection every later write
   * commits there, else every later write fails.
   */
  onFailure: (error: Error) => void;
  /**
   * A connection on this thread that may commit small batches itself while
   * the worker is idle: with a write or two per turn of the event loop (a
   * quiet room), handing them to the worker and back costs more time than
   * committing them here. Larger batches, and every batch while the worker
   * still commits an earlier one, go to the worker, in order.
   */
  inline?: { db: Database.Database; maxWrites: number };
}

/** An error from a write, with SQLite's code (e.g. SQLITE_CONSTRAINT_PRIMARYKEY) when it has one. */
export class SqliteWriteError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
    this.name = 'SqliteWriteError';
  }
}

export class SqliteWriter {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  private queued: PendingWrite[] = [];
  private readonly inFlight = new Map<number, PendingWrite[]>();
  private nextBatch = 1;
  private flushScheduled = false;
  private failure: Error | null = null;
  private workerFailed = false;
  /** stop() was called: no more writes. */
  private closed = false;
  private stopping = false;
  private drainWaiters: Array<() => void> = [];
  private readonly runInline: ((writes: SerializedWrite[]) => StepResult[]) | null;
  /** Batches committed on this thread and by the worker, for tests and diagnostics. */
  readonly committed = { inline: 0, worker: 0 };

  constructor(private readonly options: SqliteWriterOptions) {
    this.worker = startSqliteWorker(WORKER_SOURCE, { file: options.file, statements: options.statements });
    this.runInline = options.inline ? batchRunner(options.inline.db, options.statements) : null;
    this.worker.on('message', (message: BatchReply | FatalReply) => {
      if (message.kind === 'fatal') this.fail(new Error(`the SQLite writer could not start: ${message.message}`));
      else this.settle(message);
    });
    this.worker.on('error', (error) => this.fail(new Error(`the SQLite writer failed: ${error.message}`)));
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', (code) => {
        if (!this.stopping) this.fail(new Error(`the SQLite writer stopped unexpectedly (exit code ${code})`));
        resolve();
      });
    });
  }

  /** Runs the statements as one atomic write, committed with the others of this event-loop turn. */
  write(calls: StatementCall[], route: 'any' | 'worker' = 'any'): Promise<WriteOutcome> {
    return new Promise((resolve, reject) => {
      if (this.failure) {
        reject(this.failure);
        return;
      }
      if (this.closed) {
        reject(new Error('the SQLite store is closed'));
        return;
      }
      this.queued.push({ calls, viaWorker: route === 'worker', resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        // In flight, the writer keeps the process alive: a write must not be cut off by an exit.
        this.worker.ref();
        setImmediate(() => this.flush());
      }
    });
  }

  /** Waits for every write made so far, then stops the worker. */
  async stop(): Promise<void> {
    this.closed = true;
    if (this.flushScheduled) this.flush();
    if (this.inFlight.size > 0) await new Promise<void>((done) => this.drainWaiters.push(done));
    if (!this.stopping) {
      this.stopping = true;
      this.worker.ref();
      this.worker.postMessage('stop');
    }
    await this.exited;
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.queued;
    this.queued = [];
    if (batch.length === 0 || this.failure) return;
    const steps = batch.map((write): SerializedWrite => write.calls.map((call) => [call.statement, call.params]));
    const inline =
      this.runInline !== null &&
      (this.workerFailed || (this.inFlight.size === 0 && batch.length <= this.options.inline!.maxWrites && !batch.some((write) => write.viaWorker)));
    if (inline) {
      this.committed.inline++;
      if (!this.stopping) this.worker.unref();
      this.resolveBatch(batch, this.runInline!(steps));
      return;
    }
    this.committed.worker++;
    const id = this.nextBatch++;
    this.inFlight.set(id, batch);
    this.worker.postMessage({ id, steps });
  }

  private settle(reply: BatchReply): void {
    const batch = this.inFlight.get(reply.id);
    if (!batch) return;
    this.inFlight.delete(reply.id);
    if (this.inFlight.size === 0 && !this.flushScheduled && !this.stopping) this.worker.unref();
    this.resolveBatch(batch, reply.results);
    if (this.inFlight.size === 0) this.drained();
  }

  private resolveBatch(batch: PendingWrite[], results: StepResult[]): void {
    batch.forEach((write, i) => {
      const result = results[i];
      if (result?.ok) write.resolve({ changes: result.changes, lastInsertRowid: result.lastInsertRowid });
      else write.reject(new SqliteWriteError(result?.message ?? 'no result from the SQLite writer', result?.code ?? null));
    });
  }

  private drained(): void {
    for (const done of this.drainWaiters.splice(0)) done();
  }

  private fail(error: Error): void {
    if (this.failure || this.workerFailed) return;
    this.workerFailed = true;
    for (const batch of this.inFlight.values()) for (const write of batch) write.reject(error);
    this.inFlight.clear();
    if (!this.runInline) {
      this.failure = error;
      for (const write of this.queued.splice(0)) write.reject(error);
    }
    this.drained();
    this.options.onFailure(error);
    if (!this.stopping) {
      this.stopping = true;
      void this.worker.terminate();
    }
  }
}
