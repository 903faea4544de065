import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Moves SQLite's WAL checkpoints off the event loop. With
 * `synchronous=NORMAL` a commit only appends to the WAL; the fsyncs happen
 * when the WAL is checkpointed into the database file, and SQLite's
 * automatic checkpoint runs inside whichever commit crosses its threshold —
 * on the relay's event loop, where one fsync on a busy disk held every room
 * for tens of milliseconds. Here a worker thread with its own connection
 * checkpoints on a timer, and the relay's connection never does
 * (`wal_autocheckpoint = 0`, set by the store). A PASSIVE checkpoint takes
 * no writer lock, so commits go on while it syncs.
 *
 * The worker is a short script evaluated from a string so that it runs the
 * same from the TypeScript sources (tests) and from the build; it loads the
 * SQLite driver by the path this module resolves.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const report = (error) => parentPort.postMessage({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
let db;
try {
  const Database = require(workerData.driver);
  db = new Database(workerData.file, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
} catch (error) {
  report(error);
  process.exit(1);
}
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    report(error);
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

export interface WalCheckpointerOptions {
  /** The SQLite database file, in WAL mode, already created. */
  file: string;
  /** Time between checkpoints. */
  intervalMs?: number;
  /**
   * The checkpointer failed or stopped on its own: the store must take
   * checkpoints back on its own connection, or the WAL grows without bound.
   */
  onFailure: (error: Error) => void;
}

export const DEFAULT_CHECKPOINT_INTERVAL_MS = 250;

export class WalCheckpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  private stopping = false;
  private failed = false;

  constructor(private readonly options: WalCheckpointerOptions) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver, file: options.file, intervalMs: options.intervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS },
    });
    // Not a reason to keep the process alive: the store's close() stops it (and refs it while waiting).
    this.worker.unref();
    this.worker.on('message', (message: { kind?: unknown; message?: unknown }) => {
      if (message.kind === 'error') this.fail(new Error(`WAL checkpoint failed: ${String(message.message)}`));
    });
    this.worker.on('error', (error) => this.fail(new Error(`the WAL checkpointer failed: ${error.message}`)));
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', (code) => {
        if (!this.stopping) this.fail(new Error(`the WAL checkpointer stopped unexpectedly (exit code ${code})`));
        resolve();
      });
    });
  }

  /** Takes a last checkpoint and stops the worker. */
  async stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = true;
      // Waiting for it must keep the process alive, or an otherwise idle
      // process would exit before the last checkpoint and the close.
      this.worker.ref();
      this.worker.postMessage('stop');
    }
    await this.exited;
  }

  private fail(error: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.options.onFailure(error);
    if (!this.stopping) {
      this.stopping = true;
      void this.worker.terminate();
    }
  }
}
