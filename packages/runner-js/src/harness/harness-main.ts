/**
 * The script of the sandbox document (`/runner/javascript.html`), an
 * opaque-origin iframe with CSP `default-src 'none'; script-src
 * 'unsafe-inline'; worker-src blob:`. It never runs user code itself: each
 * run gets a fresh classic Blob worker (the prelude, then the user's code),
 * which cannot navigate, open WebRTC or reach the network.
 *
 * It owns the protocol with the page: it accepts messages only from its
 * parent window, listens to the worker only on a private port the prelude
 * holds (never on the worker's own `postMessage`), validates what comes
 * from there, and stamps everything it forwards with the run id it owns.
 */
import { OUTPUT_LIMIT_CHARS } from '../limits.js';
import {
  decodePageMessage,
  decodeWorkerMessage,
  PROTOCOL_VERSION,
  type DoneMessage,
  type HarnessToPage,
  type InitMessage,
  type StoppedMessage,
} from '../messages.js';
import type { ScriptLayout } from '../stack-mapping.js';
import { OutputBatcher } from './output-batcher.js';
import { describeStartupError } from './startup-error.js';
import { buildWorkerScript } from './worker-source.js';

/** The worker prelude as an expression evaluating to its `start`; inlined by the build. */
declare const __PRELUDE_EXPRESSION__: string;

interface ActiveRun {
  runId: string;
  code: string;
  worker: Worker;
  port: MessagePort;
  scriptUrl: string;
  layout: ScriptLayout;
  batcher: OutputBatcher;
  startedAt: number;
}

let active: ActiveRun | null = null;
/** The page's origin, learned from its messages; `ready` goes out before any arrived. */
let pageOrigin = '*';

function toPage(message: HarnessToPage): void {
  window.parent.postMessage(message, pageOrigin);
}

function endRun(run: ActiveRun, final: DoneMessage | StoppedMessage): void {
  if (active !== run) return;
  active = null;
  run.worker.terminate();
  run.port.close();
  URL.revokeObjectURL(run.scriptUrl);
  // Output first, then the end: the page sees everything the run printed.
  run.batcher.flush();
  toPage(final);
}

function startRun(runId: string, code: string): void {
  if (active !== null) endRun(active, { type: 'stopped', runId: active.runId });
  const script = buildWorkerScript(__PRELUDE_EXPRESSION__, code);
  const scriptUrl = URL.createObjectURL(new Blob([script.source], { type: 'text/javascript' }));
  let worker: Worker;
  try {
    worker = new Worker(scriptUrl);
  } catch (error) {
    URL.revokeObjectURL(scriptUrl);
    toPage({
      type: 'done',
      runId,
      status: 'error',
      error: `The sandbox could not start a worker: ${error instanceof Error ? error.message : String(error)}`,
      errorLine: null,
      durationMs: 0,
    });
    return;
  }
  const channel = new MessageChannel();
  const run: ActiveRun = {
    runId,
    code,
    worker,
    port: channel.port1,
    scriptUrl,
    layout: { scriptUrl, lineOffset: script.lineOffset, userLineCount: script.userLineCount },
    batcher: new OutputBatcher({
      send: (chunks) => toPage({ type: 'output', runId, chunks }),
      schedule: (callback, delayMs) => {
        const id = setTimeout(callback, delayMs);
        return () => clearTimeout(id);
      },
    }),
    startedAt: performance.now(),
  };
  active = run;
  channel.port1.onmessage = (event: MessageEvent) => onWorkerMessage(run, event.data);
  worker.onerror = (event: ErrorEvent) => onWorkerError(run, event);
  const init: InitMessage = {
    type: 'init',
    lineOffset: script.lineOffset,
    userLineCount: script.userLineCount,
    outputLimit: OUTPUT_LIMIT_CHARS,
  };
  worker.postMessage(init, [channel.port2]);
}

function onWorkerMessage(run: ActiveRun, data: unknown): void {
  if (active !== run) return;
  const decoded = decodeWorkerMessage(data);
  if (!decoded.ok) return;
  const message = decoded.message;
  if (message.type === 'output') {
    run.batcher.add(message.chunks, message.truncated);
    return;
  }
  // The prelude measures from the moment user code starts; it cannot claim more than has passed.
  const elapsed = performance.now() - run.startedAt;
  endRun(run, {
    type: 'done',
    runId: run.runId,
    status: message.status,
    error: message.error,
    errorLine: message.errorLine,
    durationMs: Math.min(message.durationMs, elapsed),
  });
}

/**
 * Errors the prelude did not handle reach the Worker object: the script did
 * not compile (a syntax error) or did not load at all.
 */
function onWorkerError(run: ActiveRun, event: ErrorEvent): void {
  event.preventDefault();
  if (active !== run) return;
  const { error, errorLine } = describeStartupError(event.message, event.lineno, event.colno, run.code, run.layout);
  endRun(run, {
    type: 'done',
    runId: run.runId,
    status: 'error',
    error,
    errorLine,
    durationMs: performance.now() - run.startedAt,
  });
}

function onPageMessage(event: MessageEvent): void {
  if (event.source !== window.parent || window.parent === window) return;
  const decoded = decodePageMessage(event.data);
  if (!decoded.ok) return;
  // An opaque page origin cannot be targeted; '*' is then the only choice.
  pageOrigin = event.origin === 'null' ? '*' : event.origin;
  const message = decoded.message;
  if (message.type === 'ping') {
    toPage({ type: 'pong', seq: message.seq });
  } else if (message.type === 'run') {
    startRun(message.runId, message.code);
  } else if (active !== null && active.runId === message.runId) {
    endRun(active, { type: 'stopped', runId: message.runId });
  } else {
    // Already over: confirm anyway, so the page never waits for an answer.
    toPage({ type: 'stopped', runId: message.runId });
  }
}

window.addEventListener('message', onPageMessage);
toPage({ type: 'ready', version: PROTOCOL_VERSION });
