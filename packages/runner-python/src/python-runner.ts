import type { Language } from '@interview/protocol';
import type { CodeRunner, RunHandlers, RunOutcome, RunRequest, RuntimeState } from '@interview/runner-api';
import { fetchRuntimeFiles, type DownloadProgress } from './assets.js';
import {
  decodeHarnessMessage,
  isRunId,
  Limits,
  RUNTIME_FILES,
  type HarnessMessage,
  type HostMessage,
  type WorkerRunResult,
} from './messages.js';

export interface PythonRunnerOptions {
  /** Where the (hidden) sandbox iframe is attached. */
  container: HTMLElement;
  /** The sandbox document; the server serves it with its own CSP. */
  harnessUrl?: string;
  /** Where the Pyodide runtime files are, e.g. `/pyodide/314.0.7/` (from GET /api/config). */
  pyodideBaseUrl: string;
  /** How long Stop or a time limit waits for KeyboardInterrupt before replacing the worker. */
  hardStopAfterMs?: number;
}

/** A harness page that exists posts within moments of loading; one that does not never will. */
const HARNESS_GRACE_MS = 3000;
/** Booting takes 2–3 s on a slow machine; this only bounds a runtime that hangs. */
const BOOT_TIMEOUT_MS = 60_000;
/** Progress events while downloading are limited to this rate. */
const PROGRESS_INTERVAL_MS = 50;

interface ActiveRun {
  runId: string;
  handlers: RunHandlers;
  timeoutMs: number;
  /** Set once the run has been handed to the sandbox. */
  postedAt: number | null;
  /** Why the run is being ended from outside, once Stop or the time limit has asked. */
  halt: 'stopped' | 'timeout' | null;
  /** The time limit's clock; it does not run while the program waits for a person to type. */
  limit: { timer: ReturnType<typeof setTimeout> | null; leftMs: number; since: number };
  hardStop: ReturnType<typeof setTimeout> | null;
  /** An input request is outstanding; only then is a line passed on. */
  awaitingInput: boolean;
  finished: boolean;
  resolve: (outcome: RunOutcome) => void;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: Error): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A failure is reported through state and preload(); nobody may be awaiting this one.
  promise.catch(() => {});
  return { promise, resolve, reject };
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Runs Python in the participant's browser: Pyodide in a worker inside an
 * opaque-origin sandbox iframe. This class is the only part the UI sees; it
 * correlates messages with runs by id and decides when a worker must be
 * replaced (a Stop that did not land, a time limit, a crash).
 */
export class PythonRunner implements CodeRunner {
  readonly language: Language = 'python';
  readonly #container: HTMLElement;
  readonly #harnessUrl: string;
  readonly #pyodideBaseUrl: string;
  readonly #hardStopAfterMs: number;
  readonly #listeners = new Set<(state: RuntimeState) => void>();

  #state: RuntimeState = { phase: 'idle' };
  #iframe: HTMLIFrameElement | null = null;
  #harness: Deferred<boolean> | null = null;
  #boot: Deferred<void> | null = null;
  /** Settles when the runtime is ready; replaced on every (re)boot. */
  #ready: Promise<void> | null = null;
  #runtimeBytes = 0;
  #active: ActiveRun | null = null;
  #disposed = false;

  constructor(options: PythonRunnerOptions) {
    this.#container = options.container;
    this.#harnessUrl = options.harnessUrl ?? '/runner/python.html';
    this.#pyodideBaseUrl = options.pyodideBaseUrl;
    this.#hardStopAfterMs = options.hardStopAfterMs ?? 1000;
  }

  get state(): RuntimeState {
    return this.#state;
  }

  onStateChange(listener: (state: RuntimeState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  preload(): Promise<void> {
    if (this.#disposed) return Promise.reject(new Error('python runner: preload() after dispose()'));
    // After a failure, asking again starts over.
    if (!this.#ready || this.#state.phase === 'failed') this.#ready = this.#load();
    return this.#ready;
  }

  async run(request: RunRequest, handlers: RunHandlers): Promise<RunOutcome> {
    if (!isRunId(request.runId)) {
      throw new RangeError(`python runner: runId must be 1–64 characters of A–Z, a–z, 0–9, _ or -, got ${JSON.stringify(request.runId)}`);
    }
    if (!(request.timeoutMs > 0)) throw new RangeError(`python runner: timeoutMs must be positive, got ${request.timeoutMs}`);
    if (this.#active) {
      throw new Error(`python runner: run "${this.#active.runId}" is still active; "${request.runId}" must wait for its outcome`);
    }
    if (this.#disposed) throw new Error('python runner: run() after dispose()');

    const requestedAt = performance.now();
    const failed = (error: string): RunOutcome => ({ status: 'error', error, errorLine: null, durationMs: Math.round(performance.now() - requestedAt) });
    if (request.code.length > Limits.codeLength) {
      return failed(`The program is longer than ${Limits.codeLength / 1024} KiB and was not run.`);
    }

    let resolve!: (outcome: RunOutcome) => void;
    const outcome = new Promise<RunOutcome>((res) => {
      resolve = res;
    });
    const run: ActiveRun = {
      runId: request.runId,
      handlers,
      timeoutMs: request.timeoutMs,
      postedAt: null,
      halt: null,
      limit: { timer: null, leftMs: request.timeoutMs, since: 0 },
      hardStop: null,
      awaitingInput: false,
      finished: false,
      resolve,
    };
    this.#active = run;

    try {
      await this.preload();
    } catch (error) {
      this.#finish(run, failed(`The Python runtime could not be loaded: ${message(error)}`));
      return outcome;
    }
    if (run.finished) return outcome; // stopped (or disposed) while the runtime loaded

    run.postedAt = performance.now();
    this.#post({ type: 'run', runId: run.runId, code: request.code });
    this.#resumeLimit(run);
    return outcome;
  }

  provideInput(runId: string, text: string): void {
    const run = this.#active;
    if (run?.runId !== runId || !run.awaitingInput || run.halt) return;
    run.awaitingInput = false;
    // The relay caps a line at the same length; a longer one is cut, not refused.
    this.#post({ type: 'input', runId, text: text.slice(0, Limits.inputLength) });
    this.#resumeLimit(run);
  }

  stop(runId: string): void {
    if (this.#active?.runId === runId) this.#halt(this.#active, 'stopped');
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#active) this.#finish(this.#active, this.#outcome(this.#active, 'stopped', null, null));
    this.#teardownFrame(new Error('python runner: disposed'));
    this.#setState({ phase: 'idle' });
    this.#listeners.clear();
  }

  // ---- loading ---------------------------------------------------------------

  async #load(): Promise<void> {
    this.#setState({ phase: 'loading', loadedBytes: 0, totalBytes: null });
    try {
      const harness = this.#createFrame();
      const [files, isolated] = await Promise.all([
        fetchRuntimeFiles(this.#pyodideBaseUrl, this.#progressReporter()),
        harness,
      ]);
      if (!isolated) {
        throw new Error(
          'the sandbox is not cross-origin isolated (the page needs COOP/COEP headers), so input() and Stop cannot work',
        );
      }
      this.#runtimeBytes = RUNTIME_FILES.reduce((sum, name) => sum + files[name].byteLength, 0);
      this.#setState({ phase: 'loading', loadedBytes: this.#runtimeBytes, totalBytes: this.#runtimeBytes });
      const booted = this.#expectBoot();
      // Transferred: the harness keeps them for restarts, the host needs no copy.
      this.#post({ type: 'boot', files }, Object.values(files));
      await booted;
      this.#setState({ phase: 'ready' });
    } catch (error) {
      if (this.#disposed) throw error;
      this.#teardownFrame(error instanceof Error ? error : new Error(String(error)));
      this.#setState({ phase: 'failed', error: message(error) });
      throw error;
    }
  }

  #progressReporter(): (progress: DownloadProgress) => void {
    let last = 0;
    return (progress) => {
      const now = performance.now();
      const complete = progress.totalBytes !== null && progress.loadedBytes >= progress.totalBytes;
      if (!complete && now - last < PROGRESS_INTERVAL_MS) return;
      last = now;
      this.#setState({ phase: 'loading', ...progress });
    };
  }

  /** Attaches the sandbox iframe; resolves with its `crossOriginIsolated` once its script runs. */
  #createFrame(): Promise<boolean> {
    this.#teardownFrame(null);
    const harness = deferred<boolean>();
    this.#harness = harness;
    const iframe = document.createElement('iframe');
    // Scripts only: never allow-same-origin, so the frame's origin is opaque.
    iframe.setAttribute('sandbox', 'allow-scripts');
    iframe.setAttribute('allow', 'cross-origin-isolated');
    iframe.setAttribute('referrerpolicy', 'no-referrer');
    iframe.setAttribute('aria-hidden', 'true');
    iframe.title = 'Python sandbox';
    iframe.tabIndex = -1;
    iframe.style.display = 'none';
    iframe.addEventListener('load', () => {
      setTimeout(() => {
        harness.reject(new Error(`the sandbox page ${this.#harnessUrl} did not start (is the runner built?)`));
      }, HARNESS_GRACE_MS);
    });
    iframe.src = this.#harnessUrl;
    window.addEventListener('message', this.#onMessage);
    this.#iframe = iframe;
    this.#container.append(iframe);
    return harness.promise;
  }

  #expectBoot(): Promise<void> {
    const boot = deferred<void>();
    this.#boot = boot;
    const timer = setTimeout(() => boot.reject(new Error(`the Python runtime did not start within ${BOOT_TIMEOUT_MS / 1000} s`)), BOOT_TIMEOUT_MS);
    return boot.promise.finally(() => clearTimeout(timer));
  }

  #teardownFrame(reason: Error | null): void {
    window.removeEventListener('message', this.#onMessage);
    this.#iframe?.remove();
    this.#iframe = null;
    if (reason) {
      this.#harness?.reject(reason);
      this.#boot?.reject(reason);
    }
    this.#harness = null;
    this.#boot = null;
  }

  /** Replaces the worker (the frame and its runtime files stay). */
  #restart(): void {
    if (this.#disposed || !this.#iframe) return;
    this.#setState({ phase: 'loading', loadedBytes: this.#runtimeBytes, totalBytes: this.#runtimeBytes });
    const booted = this.#expectBoot();
    this.#ready = booted.then(
      () => this.#setState({ phase: 'ready' }),
      (error: unknown) => {
        this.#teardownFrame(null);
        this.#setState({ phase: 'failed', error: message(error) });
        throw error;
      },
    );
    this.#ready.catch(() => {});
    this.#post({ type: 'restart' });
  }

  #post(message: HostMessage, transfer: Transferable[] = []): void {
    // The frame's origin is opaque ("null"), which no targetOrigin can name.
    this.#iframe?.contentWindow?.postMessage(message, '*', transfer);
  }

  // ---- messages from the sandbox ---------------------------------------------

  readonly #onMessage = (event: MessageEvent<unknown>): void => {
    if (!this.#iframe || event.source !== this.#iframe.contentWindow) return;
    const decoded = decodeHarnessMessage(event.data);
    if (!decoded.ok) {
      console.warn(`python runner: ignored a sandbox message: ${decoded.reason}`);
      return;
    }
    this.#handle(decoded.value);
  };

  #handle(message: HarnessMessage): void {
    switch (message.type) {
      case 'harness-ready':
        this.#harness?.resolve(message.crossOriginIsolated);
        return;
      case 'runtime-ready':
        this.#boot?.resolve();
        return;
      case 'runtime-failed':
        if (this.#boot) this.#boot.reject(new Error(message.error));
        if (this.#state.phase === 'ready') {
          // The idle worker died: the next preload() or run() starts over.
          this.#teardownFrame(null);
          this.#setState({ phase: 'failed', error: message.error });
        }
        return;
    }
    const run = this.#active;
    if (!run || run.finished || message.runId !== run.runId) return;
    switch (message.type) {
      case 'output':
        for (const chunk of message.chunks) this.#callHandler(() => run.handlers.onOutput(chunk.stream, chunk.text));
        return;
      case 'input-request':
        if (run.halt !== null) return;
        run.awaitingInput = true;
        const { onInputRequest } = run.handlers;
        // Nobody to answer: the time limit keeps running and ends the wait.
        if (!onInputRequest) return;
        this.#pauseLimit(run);
        this.#callHandler(() => onInputRequest.call(run.handlers, message.prompt));
        return;
      case 'run-done':
        this.#done(run, message.result);
        return;
    }
  }

  #done(run: ActiveRun, result: WorkerRunResult): void {
    if (result.status === 'crashed') {
      this.#finish(run, this.#outcome(run, run.halt ?? 'error', run.halt ? null : result.error, null));
      this.#restart();
      return;
    }
    if (run.halt) {
      this.#finish(run, this.#outcome(run, run.halt, null, null));
      return;
    }
    // A KeyboardInterrupt nobody asked for was raised by the program itself: an error like any other.
    const status = result.status === 'ok' ? 'ok' : 'error';
    this.#finish(run, this.#outcome(run, status, result.error, result.errorLine));
  }

  // ---- ending runs ---------------------------------------------------------------

  #halt(run: ActiveRun, reason: 'stopped' | 'timeout'): void {
    if (run.finished || run.halt) return;
    run.halt = reason;
    if (run.postedAt === null) {
      this.#finish(run, this.#outcome(run, reason, null, null));
      return;
    }
    this.#pauseLimit(run);
    this.#post({ type: 'interrupt', runId: run.runId });
    // Long C-level work (sum(range(10**10))) never looks at the interrupt flag.
    run.hardStop = setTimeout(() => {
      if (run.finished) return;
      this.#finish(run, this.#outcome(run, reason, null, null));
      this.#restart();
    }, this.#hardStopAfterMs);
  }

  #resumeLimit(run: ActiveRun): void {
    if (run.limit.timer !== null || run.finished) return;
    run.limit.since = performance.now();
    run.limit.timer = setTimeout(() => this.#halt(run, 'timeout'), Math.max(0, run.limit.leftMs));
  }

  #pauseLimit(run: ActiveRun): void {
    if (run.limit.timer === null) return;
    clearTimeout(run.limit.timer);
    run.limit.timer = null;
    run.limit.leftMs -= performance.now() - run.limit.since;
  }

  #outcome(run: ActiveRun, status: RunOutcome['status'], error: string | null, errorLine: number | null): RunOutcome {
    if (status === 'timeout') error = `Time limit exceeded: the program ran for more than ${formatSeconds(run.timeoutMs)}.`;
    const durationMs = run.postedAt === null ? 0 : performance.now() - run.postedAt;
    return { status, error, errorLine, durationMs: Math.round(durationMs) };
  }

  #finish(run: ActiveRun, outcome: RunOutcome): void {
    if (run.finished) return;
    run.finished = true;
    if (run.limit.timer !== null) clearTimeout(run.limit.timer);
    if (run.hardStop !== null) clearTimeout(run.hardStop);
    if (this.#active === run) this.#active = null;
    run.resolve(outcome);
  }

  /** The UI's handlers must not break the runner; their errors go to the page's error reporting. */
  #callHandler(call: () => void): void {
    try {
      call();
    } catch (error) {
      reportError(error);
    }
  }

  #setState(state: RuntimeState): void {
    this.#state = state;
    for (const listener of this.#listeners) this.#callHandler(() => listener(state));
  }
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}

export function createPythonRunner(options: PythonRunnerOptions): CodeRunner {
  return new PythonRunner(options);
}
