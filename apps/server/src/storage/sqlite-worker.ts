import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * A worker thread running `source`, a short CommonJS script that opens the
 * SQLite file with its own connection. Evaluated from a string so that it
 * runs the same from the TypeScript sources (tests) and from the build; it
 * finds the SQLite driver at `workerData.driver`, resolved here.
 *
 * The worker does not keep the process alive: whoever owns it stops it on
 * close, and refs it while waiting for that.
 */
export function startSqliteWorker(source: string, workerData: Record<string, unknown>): Worker {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(source, { eval: true, workerData: { ...workerData, driver } });
  worker.unref();
  return worker;
}
