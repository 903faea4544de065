import {
  RecordLimits,
  type ExecuteCodeEvent,
  type ExecutionOutputEvent,
  type ExecutionResultEvent,
  type RunAuthor,
} from '@interview/protocol';
import type { RoomStore, RunRecord } from '../storage/room-store.js';
import type { RecordWrites } from './record-writes.js';

/** Runs a single connection may have going at once before its oldest is written off; a browser runs one. */
export const MAX_RUNS_PER_RUNNER = 8;

/**
 * Keeps at most `limit` characters, with a marker saying that more was
 * printed: the record stays bounded and a reader sees that it was cut.
 */
export function cutOutput(text: string, limit: number = RecordLimits.outputChars): string {
  if (text.length <= limit) return text;
  const marker = `\n[output cut: the run printed more than ${limit} characters]\n`;
  return text.slice(0, Math.max(0, limit - marker.length)) + marker;
}

interface RunInProgress {
  record: RunRecord;
  /** The connection whose browser executes it. */
  runner: object;
  /** Output as it streamed; never more than one character past the limit, enough to know it was cut. */
  streamed: string;
  /** The last write of this run, so the next one lands after it. */
  saved: Promise<unknown>;
}

export interface RunHistoryOptions {
  roomId: string;
  store: RoomStore;
  writes: RecordWrites;
  clock: () => Date;
}

/**
 * Records every run the relay forwards, for the interviewers' review: its
 * start as soon as it is relayed, then its end (result or abandonment).
 * Only the run's own runner can end it or add to its output.
 */
export class RunHistory {
  private readonly running = new Map<string, RunInProgress>();

  constructor(private readonly options: RunHistoryOptions) {}

  started(runner: object, event: ExecuteCodeEvent, by: RunAuthor): void {
    const { runId, language, code } = event.payload;
    const record: RunRecord = {
      runId,
      language,
      code,
      by: { name: by.name, role: by.role },
      startedAt: this.options.clock(),
      finishedAt: null,
      status: null,
      output: '',
      error: null,
      durationMs: null,
    };
    // The same runId again starts it over; its earlier write still lands first.
    const previous = this.running.get(runId);
    this.running.delete(runId);
    const run: RunInProgress = { record, runner, streamed: '', saved: previous?.saved ?? Promise.resolve() };
    this.running.set(runId, run);
    this.save(run);
    const mine = [...this.running.values()].filter((r) => r.runner === runner);
    if (mine.length > MAX_RUNS_PER_RUNNER) {
      this.end(mine[0]!, { status: 'stopped', error: 'The run never reported its end: its runner started too many others.' });
    }
  }

  output(runner: object, event: ExecutionOutputEvent): void {
    const run = this.ownRun(event.payload.runId, runner);
    if (!run || run.streamed.length > RecordLimits.outputChars) return;
    run.streamed = (run.streamed + event.payload.text).slice(0, RecordLimits.outputChars + 1);
  }

  finished(runner: object, event: ExecutionResultEvent): void {
    const run = this.ownRun(event.payload.runId, runner);
    if (!run) return;
    const { output, error, status, durationMs } = event.payload;
    this.end(run, {
      status: status ?? (error === null ? 'ok' : 'error'),
      error,
      // The result's transcript is the runner's own; without one, what streamed.
      output: output !== '' ? output : run.streamed,
      durationMs: durationMs ?? null,
    });
  }

  /** Ends every run of a runner that can no longer report (it left), as stopped with this reason. */
  abandon(runner: object, reason: string): void {
    for (const run of [...this.running.values()]) {
      if (run.runner === runner) this.end(run, { status: 'stopped', error: reason });
    }
  }

  /** Whether `runId` is a run `runner` started and has not ended. */
  isRunning(runId: string, runner: object): boolean {
    return this.ownRun(runId, runner) !== null;
  }

  private ownRun(runId: string, runner: object): RunInProgress | null {
    const run = this.running.get(runId);
    return run && run.runner === runner ? run : null;
  }

  private end(
    run: RunInProgress,
    ending: { status: NonNullable<RunRecord['status']>; error: string | null; output?: string; durationMs?: number | null },
  ): void {
    this.running.delete(run.record.runId);
    run.record = {
      ...run.record,
      finishedAt: this.options.clock(),
      status: ending.status,
      error: ending.error,
      output: cutOutput(ending.output ?? run.streamed),
      durationMs: ending.durationMs ?? null,
    };
    this.save(run);
  }

  private save(run: RunInProgress): void {
    const { roomId, store, writes } = this.options;
    const record = run.record;
    run.saved = writes.run('run-not-recorded', () => store.saveRun(roomId, record), run.saved);
  }
}
