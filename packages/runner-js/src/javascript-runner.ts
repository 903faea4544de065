import type { CodeRunner, RunHandlers, RunOutcome, RunRequest, RuntimeState } from '@interview/runner-api';
import { SANDBOX_POLICY } from './harness/csp.js';
import { decodeHarnessMessage, PROTOCOL_VERSION, type HarnessToPage, type PageToHarness } from './messages.js';

/** Where the server serves the sandbox document (apps/server, runner-routes). */
export const DEFAULT_HARNESS_URL = '/runner/javascript.html';

export interface JavaScriptRunnerOptions {
  /** Element the hidden sandbox iframe is appended to. */
  container: HTMLElement;
  /** URL of the sandbox document. */
  harnessUrl?: string;
  /** How long the sandbox may take to report that it is ready. */
  loadTimeoutMs?: number;
  /** How long the sandbox may take to confirm a stop before its frame is replaced. */
  stopGraceMs?: number;
}

const DEFAULT_LOAD_TIMEOUT_MS = 10_000;
const DEFAULT_STOP_GRACE_MS = 500;
/**
 * During a run the page pings the sandbox. Its document never runs user code,
 * so it answers within milliseconds unless its process is gone: a program
 * that exhausts memory crashes the sandbox's renderer (measured: the page and
 * its timers are unaffected, but no answer ever comes).
 */
const HEARTBEAT_INTERVAL_MS = 1000;
const HEARTBEAT_TIMEOUT_MS = 3000;
export const SANDBOX_LOST_MESSAGE =
  'The JavaScript sandbox stopped responding, most likely because the program ran out of memory. It has been restarted.';
/** setTimeout fires at once for delays past 2^31 - 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

type StopReason = 'stopped' | 'timeout';

interface ActiveRun {
  runId: string;
  handlers: RunHandlers;
  resolve: (outcome: RunOutcome) => void;
  /** When the program was handed to the sandbox (durations exclude loading it). */
  startedAt: number;
  /** Whether `run` was posted to the sandbox (not while it is still loading). */
  posted: boolean;
  stopReason: StopReason | null;
  timeLimit: ReturnType<typeof setTimeout> | null;
  stopGrace: ReturnType<typeof setTimeout> | null;
  heartbeat: ReturnType<typeof setInterval> | null;
  /** The unanswered ping, if any: compared with when it was sent, so throttled timers in a background tab do not count as silence. */
  ping: { seq: number; sentAt: number } | null;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs JavaScript in the participants' browser: the client half of the
 * runner. It keeps one hidden `<iframe sandbox="allow-scripts">` (never
 * `allow-same-origin`) loaded from the server's sandbox document; each run
 * happens in a fresh worker inside it. The page trusts only messages from
 * that frame's window, of known shapes, for the run in progress.
 */
export class JavaScriptRunner implements CodeRunner {
  readonly language = 'javascript' as const;

  private currentState: RuntimeState = { phase: 'idle' };
  private readonly listeners = new Set<(state: RuntimeState) => void>();
  private iframe: HTMLIFrameElement | null = null;
  private loading: Promise<void> | null = null;
  private settleLoading: { resolve: () => void; reject: (error: Error) => void; timer: ReturnType<typeof setTimeout> } | null =
    null;
  private active: ActiveRun | null = null;
  private pingSeq = 0;
  private disposed = false;
  private readonly container: HTMLElement;
  private readonly harnessUrl: string;
  private readonly loadTimeoutMs: number;
  private readonly stopGraceMs: number;
  private readonly window: Window;

  constructor(options: JavaScriptRunnerOptions) {
    this.container = options.container;
    this.harnessUrl = options.harnessUrl ?? DEFAULT_HARNESS_URL;
    this.loadTimeoutMs = options.loadTimeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS;
    this.stopGraceMs = options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
    const view = options.container.ownerDocument.defaultView;
    if (view === null) throw new Error('the runner container must be in a document with a window');
    this.window = view;
    this.window.addEventListener('message', this.onMessage);
  }

  get state(): RuntimeState {
    return this.currentState;
  }

  onStateChange(listener: (state: RuntimeState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  preload(): Promise<void> {
    if (this.disposed) return Promise.reject(new Error('the JavaScript runner was disposed'));
    if (this.currentState.phase === 'ready' && this.iframe?.isConnected) return Promise.resolve();
    if (this.loading !== null) return this.loading;
    this.loading = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.failLoading(new Error(`the sandbox did not report ready within ${this.loadTimeoutMs} ms`));
      }, this.loadTimeoutMs);
      this.settleLoading = { resolve, reject, timer };
    });
    // Callers that do not wait must not see an unhandled rejection.
    this.loading.catch(() => {});
    this.setState({ phase: 'loading', loadedBytes: 0, totalBytes: null });
    this.createFrame();
    return this.loading;
  }

  async run(request: RunRequest, handlers: RunHandlers): Promise<RunOutcome> {
    if (this.disposed) throw new Error('the JavaScript runner was disposed');
    if (this.active !== null) throw new Error(`run ${this.active.runId} is still in progress; stop it first`);
    let resolveOutcome: (outcome: RunOutcome) => void = () => {};
    const outcome = new Promise<RunOutcome>((resolve) => {
      resolveOutcome = resolve;
    });
    const run: ActiveRun = {
      runId: request.runId,
      handlers,
      resolve: resolveOutcome,
      startedAt: performance.now(),
      posted: false,
      stopReason: null,
      timeLimit: null,
      stopGrace: null,
      heartbeat: null,
      ping: null,
    };
    this.active = run;
    try {
      await this.preload();
    } catch (error) {
      this.finish(run, {
        status: 'error',
        error: `The JavaScript sandbox could not be loaded: ${messageOf(error)}`,
        errorLine: null,
      });
      return outcome;
    }
    if (this.isActive(run) && run.stopReason === null) {
      run.posted = true;
      run.startedAt = performance.now();
      this.post({ type: 'run', runId: run.runId, code: request.code });
      // The limit is the program's, so it starts now, not while the sandbox was loading.
      const timeoutMs = Number.isFinite(request.timeoutMs) ? Math.min(Math.max(1, request.timeoutMs), MAX_TIMER_MS) : MAX_TIMER_MS;
      run.timeLimit = setTimeout(() => this.requestStop(run, 'timeout'), timeoutMs);
      run.heartbeat = setInterval(() => this.checkHeartbeat(run), HEARTBEAT_INTERVAL_MS);
    }
    return outcome;
  }

  /** A method, not an inline comparison: TypeScript would keep `active` narrowed across the await. */
  private isActive(run: ActiveRun): boolean {
    return this.active === run;
  }

  /** JavaScript programs cannot read input: there is nothing to answer. */
  provideInput(_runId: string, _text: string): void {}

  stop(runId: string): void {
    const run = this.active;
    if (run !== null && run.runId === runId) this.requestStop(run, 'stopped');
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.active !== null) this.finish(this.active, { status: 'stopped', error: null, errorLine: null });
    this.failLoading(new Error('the JavaScript runner was disposed'));
    this.window.removeEventListener('message', this.onMessage);
    this.removeFrame();
    this.setState({ phase: 'idle' });
    this.listeners.clear();
  }

  // ---------------------------------------------------------------- frame

  private createFrame(): void {
    this.removeFrame();
    const iframe = this.container.ownerDocument.createElement('iframe');
    iframe.setAttribute('sandbox', 'allow-scripts');
    // Embedded enforcement: Chromium refuses to load the document unless it
    // carries this policy itself, so a misconfigured server fails closed.
    iframe.setAttribute('csp', SANDBOX_POLICY);
    iframe.setAttribute('referrerpolicy', 'no-referrer');
    iframe.setAttribute('aria-hidden', 'true');
    iframe.tabIndex = -1;
    iframe.title = 'JavaScript sandbox';
    iframe.style.display = 'none';
    iframe.src = new URL(this.harnessUrl, this.container.ownerDocument.baseURI).href;
    this.iframe = iframe;
    this.container.append(iframe);
  }

  private removeFrame(): void {
    this.iframe?.remove();
    this.iframe = null;
  }

  /** The sandbox stopped answering: throw its frame away and start a new one. */
  private replaceFrame(): void {
    this.failLoading(new Error('the sandbox was replaced'));
    this.removeFrame();
    this.setState({ phase: 'idle' });
    if (!this.disposed) void this.preload().catch(() => {});
  }

  private failLoading(error: Error): void {
    const settle = this.settleLoading;
    this.settleLoading = null;
    this.loading = null;
    if (settle === null) return;
    clearTimeout(settle.timer);
    this.removeFrame();
    if (!this.disposed) this.setState({ phase: 'failed', error: error.message });
    settle.reject(error);
  }

  private setState(state: RuntimeState): void {
    this.currentState = state;
    for (const listener of [...this.listeners]) {
      try {
        listener(state);
      } catch (error) {
        this.reportHandlerError(error);
      }
    }
  }

  private post(message: PageToHarness): void {
    // The sandbox has an opaque origin, which no targetOrigin can name.
    this.iframe?.contentWindow?.postMessage(message, '*');
  }

  // ---------------------------------------------------------------- messages

  private readonly onMessage = (event: MessageEvent): void => {
    const frame = this.iframe?.contentWindow;
    if (!frame || event.source !== frame) return;
    const decoded = decodeHarnessMessage(event.data);
    if (!decoded.ok) return;
    this.handle(decoded.message);
  };

  private handle(message: HarnessToPage): void {
    if (message.type === 'ready') {
      this.onReady(message.version);
      return;
    }
    if (message.type === 'pong') {
      if (this.active?.ping?.seq === message.seq) this.active.ping = null;
      return;
    }
    const run = this.active;
    if (run === null || run.runId !== message.runId || !run.posted) return;
    switch (message.type) {
      case 'output':
        for (const chunk of message.chunks) {
          try {
            run.handlers.onOutput(chunk.stream, chunk.text);
          } catch (error) {
            this.reportHandlerError(error);
          }
        }
        break;
      case 'done':
        this.finish(run, {
          status: message.status,
          error: message.error,
          errorLine: message.errorLine,
          durationMs: Math.min(message.durationMs, performance.now() - run.startedAt),
        });
        break;
      case 'stopped':
        this.finish(run, { status: run.stopReason ?? 'stopped', error: null, errorLine: null });
        break;
    }
  }

  private onReady(version: number): void {
    const settle = this.settleLoading;
    // A frame that reloads by itself has lost its run.
    const run = this.active;
    if (run !== null && run.posted) {
      this.finish(run, { status: 'error', error: 'The JavaScript sandbox restarted during the run.', errorLine: null });
    }
    if (version !== PROTOCOL_VERSION) {
      const message = `the sandbox speaks protocol ${version}, this page ${PROTOCOL_VERSION}: reload the page`;
      if (settle !== null) {
        this.failLoading(new Error(message));
      } else {
        this.removeFrame();
        this.setState({ phase: 'failed', error: message });
      }
      return;
    }
    this.settleLoading = null;
    this.loading = null;
    if (settle !== null) clearTimeout(settle.timer);
    this.setState({ phase: 'ready' });
    settle?.resolve();
  }

  // ---------------------------------------------------------------- ending runs

  private checkHeartbeat(run: ActiveRun): void {
    if (this.active !== run) return;
    if (run.ping === null) {
      this.pingSeq += 1;
      run.ping = { seq: this.pingSeq, sentAt: performance.now() };
      this.post({ type: 'ping', seq: this.pingSeq });
    } else if (performance.now() - run.ping.sentAt > HEARTBEAT_TIMEOUT_MS) {
      this.finish(run, { status: 'error', error: SANDBOX_LOST_MESSAGE, errorLine: null });
      this.replaceFrame();
    }
  }

  private requestStop(run: ActiveRun, reason: StopReason): void {
    if (this.active !== run || run.stopReason !== null) return;
    run.stopReason = reason;
    if (!run.posted) {
      this.finish(run, { status: reason, error: null, errorLine: null });
      return;
    }
    this.post({ type: 'stop', runId: run.runId });
    run.stopGrace = setTimeout(() => {
      // Defence in depth: the harness never runs user code, but if it does not
      // answer, the frame (and any worker in it) goes.
      this.finish(run, { status: reason, error: null, errorLine: null });
      this.replaceFrame();
    }, this.stopGraceMs);
  }

  private finish(run: ActiveRun, outcome: Omit<RunOutcome, 'durationMs'> & { durationMs?: number }): void {
    if (this.active !== run) return;
    this.active = null;
    if (run.timeLimit !== null) clearTimeout(run.timeLimit);
    if (run.stopGrace !== null) clearTimeout(run.stopGrace);
    if (run.heartbeat !== null) clearInterval(run.heartbeat);
    run.resolve({
      status: outcome.status,
      error: outcome.error,
      errorLine: outcome.errorLine,
      durationMs: Math.round((outcome.durationMs ?? performance.now() - run.startedAt) * 1000) / 1000,
    });
  }

  /** A UI callback threw: surface it without breaking the runner. */
  private reportHandlerError(error: unknown): void {
    queueMicrotask(() => {
      throw error;
    });
  }
}

export function createJavaScriptRunner(options: JavaScriptRunnerOptions): JavaScriptRunner {
  return new JavaScriptRunner(options);
}
