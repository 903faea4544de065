/**
 * Bundled (iife) and injected into a page of the real server, where it
 * drives the real client and records what the UI would see, with
 * timestamps. Tests reach it through `page.evaluate(() => window.pyTest…)`.
 */
import type { RunOutcome, RuntimeState } from '@interview/runner-api';
import { PythonRunner, type PythonRunnerOptions } from '../../src/index.js';

export interface RecordedEvent {
  /** performance.now() in the page. */
  t: number;
  kind: 'stdout' | 'stderr' | 'input-request';
  text: string;
}

export interface RecordedRun {
  runId: string;
  startedAt: number;
  events: RecordedEvent[];
  outcome: RunOutcome | null;
  finishedAt: number | null;
  /** Lines answered automatically, in order, when the program asks. */
  answers: string[];
}

export interface StartOptions {
  timeoutMs?: number;
  answers?: string[];
}

export interface PageDriver {
  create(options?: Partial<Omit<PythonRunnerOptions, 'container'>>): void;
  preload(): Promise<number>;
  readonly states: Array<{ t: number; state: RuntimeState }>;
  start(runId: string, code: string, options?: StartOptions): void;
  /** Awaits the outcome and returns the whole record. */
  finish(runId: string): Promise<RecordedRun>;
  record(runId: string): RecordedRun;
  output(runId: string): string;
  stop(runId: string): void;
  provideInput(runId: string, text: string): void;
  dispose(): void;
  /** Main-thread responsiveness: the largest gap between ticks of a 10 ms interval. */
  startJankProbe(): void;
  stopJankProbe(): number;
}

declare global {
  interface Window {
    pyTest: PageDriver;
  }
}

let runner: PythonRunner | null = null;
const runs = new Map<string, RecordedRun>();
const outcomes = new Map<string, Promise<RunOutcome>>();
const states: Array<{ t: number; state: RuntimeState }> = [];
let probe: { stop(): number } | null = null;

function need(): PythonRunner {
  if (!runner) throw new Error('pyTest.create() first');
  return runner;
}

function record(runId: string): RecordedRun {
  const run = runs.get(runId);
  if (!run) throw new Error(`no run ${runId}`);
  return run;
}

window.pyTest = {
  create(options = {}) {
    const container = document.createElement('div');
    document.body.append(container);
    runner = new PythonRunner({ container, pyodideBaseUrl: '/pyodide/314.0.7/', ...options });
    runner.onStateChange((state) => states.push({ t: performance.now(), state }));
  },
  async preload() {
    const started = performance.now();
    await need().preload();
    return performance.now() - started;
  },
  states,
  start(runId, code, { timeoutMs = 30_000, answers = [] } = {}) {
    const run: RecordedRun = { runId, startedAt: performance.now(), events: [], outcome: null, finishedAt: null, answers: [...answers] };
    runs.set(runId, run);
    const active = need();
    const outcome = active.run(
      { runId, code, timeoutMs },
      {
        onOutput(stream, text) {
          run.events.push({ t: performance.now(), kind: stream, text });
        },
        onInputRequest(prompt) {
          run.events.push({ t: performance.now(), kind: 'input-request', text: prompt });
          const answer = run.answers.shift();
          if (answer !== undefined) active.provideInput(runId, answer);
        },
      },
    );
    outcomes.set(
      runId,
      outcome.then((result) => {
        run.outcome = result;
        run.finishedAt = performance.now();
        return result;
      }),
    );
  },
  async finish(runId) {
    await outcomes.get(runId);
    return record(runId);
  },
  record,
  output(runId) {
    return record(runId)
      .events.filter((event) => event.kind !== 'input-request')
      .map((event) => event.text)
      .join('');
  },
  stop(runId) {
    need().stop(runId);
  },
  provideInput(runId, text) {
    need().provideInput(runId, text);
  },
  dispose() {
    runner?.dispose();
    runner = null;
  },
  startJankProbe() {
    let last = performance.now();
    let maxGap = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
    }, 10);
    probe = {
      stop() {
        clearInterval(timer);
        return Math.max(maxGap, performance.now() - last);
      },
    };
  },
  stopJankProbe() {
    const gap = probe?.stop() ?? 0;
    probe = null;
    return gap;
  },
};
