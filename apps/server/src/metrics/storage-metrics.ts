import { Counter, Histogram, type Registry } from 'prom-client';
import type { RoomStore } from '../storage/room-store.js';

export type StorageOperation = keyof RoomStore;

/**
 * Every method of the store. A Record rather than a list so the compiler
 * fails here when the interface gains or loses a method.
 */
const OPERATIONS: Record<StorageOperation, true> = {
  createRoom: true,
  findRoom: true,
  setRoomStatus: true,
  loadDocument: true,
  appendUpdate: true,
  saveSnapshot: true,
  saveLatestRun: true,
  loadLatestRun: true,
  saveRun: true,
  listRuns: true,
  endUnfinishedRuns: true,
  appendSignal: true,
  listSignals: true,
  recordJoin: true,
  recordLeave: true,
  listParticipants: true,
  listQuestions: true,
  getQuestion: true,
  createQuestion: true,
  updateQuestion: true,
  deleteQuestion: true,
  ping: true,
  close: true,
};

export const STORAGE_OPERATIONS = Object.keys(OPERATIONS) as StorageOperation[];

/**
 * From an embedded SQLite commit (tens of microseconds) to PostgreSQL under
 * load or a lost connection (seconds); past 10 s only the count matters.
 */
export const STORAGE_SECONDS_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** What one storage method's calls are recorded with. */
export interface OperationRecorder {
  /** Records a call that began at `startMs` (performance.now()) and has just settled. */
  settled(startMs: number, failed: boolean): void;
}

/**
 * How long each storage call takes and how many fail, per method. The
 * labelled children are bound once here: prom-client would otherwise build
 * and check a label object on every call of the relay's hottest path.
 */
export class StorageMetrics {
  readonly operations: Readonly<Record<StorageOperation, OperationRecorder>>;

  constructor(registry: Registry) {
    const duration = new Histogram({
      name: 'interview_storage_operation_duration_seconds',
      help: 'Time from calling a storage method until it resolved or rejected (SQLite appends include waiting for their batched commit).',
      labelNames: ['operation'] as const,
      buckets: STORAGE_SECONDS_BUCKETS,
      registers: [registry],
    });
    const errors = new Counter({
      name: 'interview_storage_errors_total',
      help: 'Storage calls that threw or rejected.',
      labelNames: ['operation'] as const,
      registers: [registry],
    });
    const operations = {} as Record<StorageOperation, OperationRecorder>;
    for (const operation of STORAGE_OPERATIONS) {
      const observe = duration.labels(operation);
      const failures = errors.labels(operation);
      // Present at 0 from the start, so rate() and alerts see a series before the first failure.
      failures.inc(0);
      operations[operation] = {
        settled(startMs, failed) {
          observe.observe((performance.now() - startMs) / 1000);
          if (failed) failures.inc();
        },
      };
    }
    this.operations = operations;
  }
}
