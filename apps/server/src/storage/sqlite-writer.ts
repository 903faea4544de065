import type Database from 'better-sqlite3';

/**
 * The SQLite store's writes. Those made in one turn of the event loop share
 * one commit, made at the end of the turn: a commit costs far more than an
 * insert (it writes every page the transaction dirtied into the WAL), so
 * sharing it is what lets the relay store every update before relaying it.
 * Each write is atomic on its own (a savepoint), so one that fails takes
 * none of the others with it. Writes commit in the order they were made,
 * and a read made after a write resolved sees it.
 *
 * The commit runs on the relay's thread. A writer thread was tried: it
 * freed the event loop but added a thread round trip to every relayed
 * update and more CPU in all, and the relay benchmark came out no better
 * (docs/performance.md).
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

/**
 * Runs batches of writes on `db`: each batch in one transaction, each write
 * in it atomic on its own.
 */
export function batchRunner(db: Database.Database, sql: Readonly<Record<string, string>>): (writes: StatementCall[][]) => StepResult[] {
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
  const runWrite = (calls: StatementCall[]): StepResult => {
    let info = { changes: 0, lastInsertRowid: 0 as number | bigint };
    for (const { statement: name, params } of calls) {
      const statement = statements.get(name);
      if (!statement) throw new Error(`unknown statement ${name}`);
      // The driver binds Buffers, not other Uint8Arrays.
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

interface PendingWrite {
  calls: StatementCall[];
  resolve: (outcome: WriteOutcome) => void;
  reject: (error: Error) => void;
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
  private queued: PendingWrite[] = [];
  private flushScheduled = false;
  private closed = false;
  private readonly runBatch: (writes: StatementCall[][]) => StepResult[];
  /** Commits made, for tests and diagnostics. */
  commits = 0;

  constructor(db: Database.Database, statements: Readonly<Record<string, string>>) {
    this.runBatch = batchRunner(db, statements);
  }

  /** Runs the statements as one atomic write, committed with the others of this event-loop turn. */
  write(calls: StatementCall[]): Promise<WriteOutcome> {
    return new Promise((resolve, reject) => {
      if (this.closed) {
        reject(new Error('the SQLite store is closed'));
        return;
      }
      this.queued.push({ calls, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits what is queued; later writes are refused. */
  close(): void {
    this.flush();
    this.closed = true;
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.queued;
    this.queued = [];
    if (batch.length === 0) return;
    this.commits++;
    const results = this.runBatch(batch.map((pending) => pending.calls));
    batch.forEach((pending, i) => {
      const result = results[i];
      if (result?.ok) pending.resolve({ changes: result.changes, lastInsertRowid: result.lastInsertRowid });
      else pending.reject(new SqliteWriteError(result?.message ?? 'no result for this write', result?.code ?? null));
    });
  }
}
