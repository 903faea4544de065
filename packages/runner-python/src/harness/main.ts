/**
 * The sandbox document's script (dist/harness.html). It runs in an
 * opaque-origin iframe (sandbox="allow-scripts", never allow-same-origin)
 * and only relays: host messages to the worker, worker events and program
 * output to the host. It owns the worker's lifetime and its shared memory,
 * and keeps the runtime files so a replaced worker boots without the host.
 * User code never runs here, only in the worker.
 */
import { createControlBuffers, provideLine, requestInterrupt } from '../control.js';
import {
  decodeHostMessage,
  decodeWorkerEvent,
  type HarnessMessage,
  type HostMessage,
  type RuntimeFiles,
  type SharedChannels,
  type WorkerCommand,
} from '../messages.js';
import { createPipeBuffer, PipeReader } from '../output-pipe.js';

/** The worker bundle, inlined by the build (scripts/build.mjs). */
declare const __WORKER_SOURCE__: string;

/** How often output is collected from the pipe while a run is active. */
const DRAIN_INTERVAL_MS = 16;

const workerUrl = URL.createObjectURL(new Blob([__WORKER_SOURCE__], { type: 'text/javascript' }));

interface WorkerSlot {
  worker: Worker;
  events: MessagePort;
  /** After a crash the worker's last words (uncaught errors) are not news: the host replaces it. */
  crashed: boolean;
  control: Int32Array;
  input: Uint8Array;
  pipe: PipeReader;
}

let files: RuntimeFiles | null = null;
let current: WorkerSlot | null = null;
let activeRunId: string | null = null;
let drainTimer: ReturnType<typeof setInterval> | null = null;

/**
 * The harness URL's own origin is the host's (the host loads it by a
 * relative path), while the document's origin is opaque: post only there.
 */
function toHost(message: HarnessMessage): void {
  parent.postMessage(message, location.origin);
}

function drainOutput(): void {
  if (!current || activeRunId === null) return;
  const chunks = current.pipe.drain();
  if (chunks.length > 0) toHost({ type: 'output', runId: activeRunId, chunks });
}

function endRun(): void {
  activeRunId = null;
  if (drainTimer !== null) clearInterval(drainTimer);
  drainTimer = null;
}

function startWorker(): void {
  if (!files) return;
  const { control, input } = createControlBuffers();
  const channels: SharedChannels = { control, input, output: createPipeBuffer() };
  const worker = new Worker(workerUrl, { name: 'python-runner' });
  // Runner events come only through this port; the worker's own postMessage
  // is open to user code, and nothing sent that way is listened to.
  const events = new MessageChannel();
  const slot: WorkerSlot = {
    worker,
    events: events.port1,
    crashed: false,
    control: new Int32Array(control),
    input: new Uint8Array(input),
    pipe: new PipeReader(channels.output),
  };
  current = slot;
  const live = () => current === slot && !slot.crashed;
  events.port1.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (live()) onWorkerEvent(event.data);
  });
  events.port1.start();
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    if (live()) onWorkerFailed(event.message || 'the worker stopped with an error');
  });
  events.port1.addEventListener('messageerror', () => {
    if (live()) onWorkerFailed('the worker sent a message that could not be read');
  });
  // The files are copied, not transferred: the harness keeps them for the next worker.
  const boot: WorkerCommand = { type: 'boot', files, channels, events: events.port2 };
  worker.postMessage(boot, [events.port2]);
}

function stopWorker(): void {
  if (!current) return;
  current.worker.terminate();
  current.events.close();
  current = null;
}

function onWorkerFailed(error: string): void {
  if (current) current.crashed = true;
  if (activeRunId !== null) {
    const runId = activeRunId;
    drainOutput();
    endRun();
    const message = `The Python runtime crashed (${error}). A fresh runtime has been started.`;
    toHost({ type: 'run-done', runId, result: { status: 'crashed', error: message, errorLine: null } });
  } else {
    toHost({ type: 'runtime-failed', error });
  }
}

function onWorkerEvent(data: unknown): void {
  const decoded = decodeWorkerEvent(data);
  if (!decoded.ok) {
    // User code can post to this frame (js.postMessage); it is not relayed.
    console.warn(`python harness: ignored a worker message: ${decoded.reason}`);
    return;
  }
  const event = decoded.value;
  switch (event.type) {
    case 'ready':
      toHost({ type: 'runtime-ready', bootMs: event.bootMs });
      break;
    case 'boot-failed':
      toHost({ type: 'runtime-failed', error: event.error });
      break;
    case 'input-request':
      if (event.runId !== activeRunId) return;
      // The prompt was printed before the program asked: it must arrive first.
      drainOutput();
      toHost(event);
      break;
    case 'run-done':
      if (event.runId !== activeRunId) return;
      if (event.result.status === 'crashed' && current) current.crashed = true;
      drainOutput();
      endRun();
      toHost(event);
      break;
  }
}

function onHostMessage(message: HostMessage): void {
  switch (message.type) {
    case 'boot':
      if (files) return;
      files = message.files;
      startWorker();
      break;
    case 'run':
      if (!current || current.crashed || activeRunId !== null) return;
      // Whatever was printed between runs (a leftover callback) belongs to no run.
      current.pipe.drain();
      current.pipe.resetDecoders();
      activeRunId = message.runId;
      drainTimer = setInterval(drainOutput, DRAIN_INTERVAL_MS);
      current.worker.postMessage({ type: 'run', runId: message.runId, code: message.code } satisfies WorkerCommand);
      break;
    case 'input':
      if (current && message.runId === activeRunId) provideLine(current.control, current.input, message.text);
      break;
    case 'interrupt':
      if (current && message.runId === activeRunId) requestInterrupt(current.control);
      break;
    case 'restart':
      endRun();
      stopWorker();
      startWorker();
      break;
  }
}

addEventListener('message', (event: MessageEvent<unknown>) => {
  // Only the embedding page may command the sandbox.
  if (event.source !== parent || parent === window) return;
  const decoded = decodeHostMessage(event.data);
  if (!decoded.ok) {
    console.warn(`python harness: ignored a host message: ${decoded.reason}`);
    return;
  }
  onHostMessage(decoded.value);
});

toHost({ type: 'harness-ready', crossOriginIsolated });
