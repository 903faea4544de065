/**
 * Code that runs in the test page (passed to `page.evaluate`, so it must be
 * self-contained): drives the bundled client the way the UI would.
 */
import type { RunOutcome, RuntimeState } from '@interview/runner-api';
import type * as RunnerJs from '../src/index.js';

export type Chunk = [stream: 'stdout' | 'stderr', text: string];

export interface RunResult {
  outcome: RunOutcome;
  output: Chunk[];
  /** Time from `run()` to its outcome, measured in the page. */
  wallMs: number;
}

export interface TickerReport {
  ticks: number;
  maxGapMs: number;
}

export interface Driver {
  runner: RunnerJs.JavaScriptRunner;
  states: RuntimeState['phase'][];
  start(code: string, timeoutMs?: number): string;
  result(runId: string): Promise<RunResult>;
  output(runId: string): Chunk[];
  /** Resolves when the run's output so far contains `text`. */
  waitForOutput(runId: string, text: string): Promise<void>;
  stop(runId: string): void;
  /** A 10 ms interval in the page: its largest gap shows whether the page froze. */
  startTicker(): void;
  waitForTicks(count: number): Promise<void>;
  stopTicker(): TickerReport;
}

declare global {
  interface Window {
    RunnerJs: typeof RunnerJs;
    driver: Driver;
  }
}

export interface DriverOptions {
  harnessUrl?: string;
  stopGraceMs?: number;
}

export function installDriver(options: DriverOptions): void {
  const container = document.getElementById('runner-host');
  if (!container) throw new Error('the test page has no #runner-host');
  const runner = new window.RunnerJs.JavaScriptRunner({ container, ...options });
  const runs = new Map<string, { output: Chunk[]; promise: Promise<RunResult>; waiters: Array<() => void> }>();
  let counter = 0;
  let ticker: { id: ReturnType<typeof setInterval>; last: number; maxGap: number; ticks: number; waiters: Array<() => void> } | null =
    null;
  const states: RuntimeState['phase'][] = [runner.state.phase];
  runner.onStateChange((state) => states.push(state.phase));

  const text = (output: Chunk[]) => output.map((chunk) => chunk[1]).join('');
  const wake = (waiters: Array<() => void>) => waiters.splice(0).forEach((wakeUp) => wakeUp());

  window.driver = {
    runner,
    states,
    start(code, timeoutMs = 20_000) {
      counter += 1;
      const runId = `run-${counter}`;
      const output: Chunk[] = [];
      const waiters: Array<() => void> = [];
      const startedAt = performance.now();
      const promise = runner
        .run(
          { runId, code, timeoutMs },
          {
            onOutput(stream, chunk) {
              output.push([stream, chunk]);
              wake(waiters);
            },
          },
        )
        .then((outcome) => {
          wake(waiters);
          return { outcome, output, wallMs: performance.now() - startedAt };
        });
      runs.set(runId, { output, promise, waiters });
      return runId;
    },
    result(runId) {
      return runs.get(runId)!.promise;
    },
    output(runId) {
      return runs.get(runId)!.output;
    },
    async waitForOutput(runId, wanted) {
      const run = runs.get(runId)!;
      while (!text(run.output).includes(wanted)) {
        await new Promise<void>((resolve) => run.waiters.push(resolve));
      }
    },
    stop(runId) {
      runner.stop(runId);
    },
    startTicker() {
      const state = { id: 0 as unknown as ReturnType<typeof setInterval>, last: performance.now(), maxGap: 0, ticks: 0, waiters: [] };
      state.id = setInterval(() => {
        const now = performance.now();
        state.maxGap = Math.max(state.maxGap, now - state.last);
        state.last = now;
        state.ticks += 1;
        wake(state.waiters);
      }, 10);
      ticker = state;
    },
    async waitForTicks(count) {
      const state = ticker!;
      while (state.ticks < count) await new Promise<void>((resolve) => state.waiters.push(resolve));
    },
    stopTicker() {
      const state = ticker!;
      clearInterval(state.id);
      ticker = null;
      return { ticks: state.ticks, maxGapMs: state.maxGap };
    },
  };
}

/** Joins a run's chunks per stream, in order: `[['stdout', 'a\nb\n'], ['stderr', 'c\n'], …]`. */
export function coalesce(output: Chunk[]): Chunk[] {
  const merged: Chunk[] = [];
  for (const [stream, text] of output) {
    const last = merged[merged.length - 1];
    if (last && last[0] === stream) last[1] += text;
    else merged.push([stream, text]);
  }
  return merged;
}

export function allText(output: Chunk[]): string {
  return output.map((chunk) => chunk[1]).join('');
}

export function streamText(output: Chunk[], stream: 'stdout' | 'stderr'): string {
  return output
    .filter((chunk) => chunk[0] === stream)
    .map((chunk) => chunk[1])
    .join('');
}
