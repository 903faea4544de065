import { LANGUAGE_LABELS, type RoomEvent, type RunRecordView } from '@interview/protocol';
import { clockTime, runDuration } from '../format/time.js';
import { PHASE_LABELS } from '../run/latest-run.js';

/** The timer functions the sync uses; tests pass fake ones. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface RunHistoryOptions {
  /** `GET /api/rooms/:roomId/runs`. */
  load: () => Promise<RunRecordView[]>;
  onChange: (runs: readonly RunRecordView[]) => void;
  onError: (error: unknown) => void;
  timers?: Timers;
  /** Wait after a run event before asking: the relay records a run as it relays it, so the record may trail the event. */
  settleMs?: number;
  /** Asks again this many times for a run an event announced but the record lacks. */
  maxTries?: number;
}

/** What an event tells us the record will hold. */
interface Expectation {
  /** The run must have finished in the record, not only started. */
  finished: boolean;
  tries: number;
}

const defaultTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Keeps the interviewers' run history in step with the relay's record. The
 * list shown is always the server's (the record of what really ran, which
 * the review page shows too); run events, ours and others', only say when to
 * ask again. Requests never overlap: one asked for while another is on its
 * way goes out after it. When the answer lacks a run an event announced
 * (the record trails the event), it asks again a few times, further apart.
 */
export class RunHistorySync {
  runs: readonly RunRecordView[] = [];
  readonly #options: Required<Omit<RunHistoryOptions, 'timers'>> & { timers: Timers };
  readonly #expected = new Map<string, Expectation>();
  #timer: unknown = null;
  #inFlight = false;
  #again = false;
  #disposed = false;

  constructor(options: RunHistoryOptions) {
    this.#options = { timers: defaultTimers, settleMs: 250, maxTries: 5, ...options };
  }

  /** Asks now (on load, after a reconnect). */
  refresh(): void {
    this.#schedule(0);
  }

  /** A room event, heard from the relay or sent by this browser. */
  heard(event: RoomEvent): void {
    if (event.type !== 'execute-code' && event.type !== 'execution-result') return;
    const { runId } = event.payload;
    const finished = event.type === 'execution-result' || (this.#expected.get(runId)?.finished ?? false);
    this.#expected.set(runId, { finished, tries: 0 });
    this.#schedule(this.#options.settleMs);
  }

  dispose(): void {
    this.#disposed = true;
    if (this.#timer !== null) this.#options.timers.clearTimeout(this.#timer);
    this.#timer = null;
  }

  #schedule(ms: number): void {
    if (this.#disposed) return;
    if (this.#inFlight) {
      this.#again = true;
      return;
    }
    // A request already waiting goes out when it was due; a sooner one moves it up.
    if (this.#timer !== null) {
      if (ms > 0) return;
      this.#options.timers.clearTimeout(this.#timer);
    }
    this.#timer = this.#options.timers.setTimeout(() => {
      this.#timer = null;
      void this.#load();
    }, ms);
  }

  async #load(): Promise<void> {
    this.#inFlight = true;
    this.#again = false;
    try {
      const runs = await this.#options.load();
      if (this.#disposed) return;
      this.runs = runs;
      this.#settle(runs);
      this.#options.onChange(runs);
    } catch (error) {
      if (!this.#disposed) this.#options.onError(error);
    } finally {
      this.#inFlight = false;
    }
    if (this.#disposed) return;
    if (this.#again) this.#schedule(this.#options.settleMs);
    else if (this.#expected.size > 0) this.#schedule(this.#retryDelay());
  }

  /** Drops what the record now shows, and what it still lacks after the last try. */
  #settle(runs: readonly RunRecordView[]): void {
    const byId = new Map(runs.map((run) => [run.runId, run]));
    for (const [runId, expectation] of this.#expected) {
      const run = byId.get(runId);
      const met = run !== undefined && (!expectation.finished || run.status !== null);
      expectation.tries++;
      // A run that never reached the relay (sent while offline) is never recorded: stop asking.
      if (met || expectation.tries >= this.#options.maxTries) this.#expected.delete(runId);
    }
  }

  #retryDelay(): number {
    const tries = Math.min(...[...this.#expected.values()].map((e) => e.tries));
    return this.#options.settleMs * 2 ** tries;
  }
}

/** One row of the history: "Ada · 10:03:12 · Python · Finished · 1.2 s". */
export interface RunRow {
  runId: string;
  who: string;
  when: string;
  language: string;
  status: string;
  /** The status for styling: a run status, or `running`. */
  phase: keyof typeof PHASE_LABELS;
  duration: string | null;
}

export function runRow(run: RunRecordView): RunRow {
  const phase = run.status ?? 'running';
  return {
    runId: run.runId,
    who: run.by.name,
    when: clockTime(run.startedAt),
    language: LANGUAGE_LABELS[run.language],
    status: PHASE_LABELS[phase],
    phase,
    duration: run.durationMs === null ? null : runDuration(run.durationMs),
  };
}

/** Newest first, as the panel lists them (the API answers oldest first). */
export function newestFirst(runs: readonly RunRecordView[]): RunRecordView[] {
  return [...runs].reverse();
}
