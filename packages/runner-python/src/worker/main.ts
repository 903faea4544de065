/**
 * The worker entry. It imports no app code; the build bundles it into one
 * classic script that the harness starts from a blob: URL. User code runs
 * here, in an opaque origin whose CSP allows no network at all.
 */
import { decodeWorkerCommand, type WorkerCommand, type WorkerEvent } from '../messages.js';
import { loadPyodideFromFiles } from './load-pyodide.js';
import { PythonSession } from './python-session.js';

// A classic worker (the only kind that is cross-origin isolated inside the
// sandbox) must still look like a module worker to Pyodide, which probes
// importScripts; user code has no use for it either.
Reflect.deleteProperty(WorkerGlobalScope.prototype, 'importScripts');

// Captured before any user code runs, which could replace them to catch the port.
const apply = Reflect.apply;
const portPostMessage = MessagePort.prototype.postMessage;
let events: MessagePort | null = null;

function post(event: WorkerEvent): void {
  if (events) apply(portPostMessage, events, [event]);
}

let session: PythonSession | null = null;
let booting = false;
/** The run whose input requests the session reports. */
let currentRunId = '';
/** User code can dispatch a fake "run" command on the worker; it must not start a run inside a run. */
let running = false;

async function boot({ files, channels, events: port }: Extract<WorkerCommand, { type: 'boot' }>): Promise<void> {
  if (booting || session) return;
  booting = true;
  events = port;
  const started = performance.now();
  try {
    const pyodide = await loadPyodideFromFiles(files);
    session = new PythonSession(pyodide, channels, (prompt) => post({ type: 'input-request', runId: currentRunId, prompt }));
    post({ type: 'ready', bootMs: Math.round(performance.now() - started) });
  } catch (error) {
    post({ type: 'boot-failed', error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  } finally {
    booting = false;
  }
}

async function run({ runId, code }: Extract<WorkerCommand, { type: 'run' }>): Promise<void> {
  if (!session) {
    post({ type: 'run-done', runId, result: { status: 'crashed', error: 'The Python runtime is not ready.', errorLine: null } });
    return;
  }
  if (running) return;
  running = true;
  currentRunId = runId;
  try {
    post({ type: 'run-done', runId, result: await session.run(code) });
  } finally {
    running = false;
  }
}

addEventListener('message', (event: MessageEvent<unknown>) => {
  const decoded = decodeWorkerCommand(event.data);
  if (!decoded.ok) {
    console.warn(`python worker: ignored a message: ${decoded.reason}`);
    return;
  }
  if (decoded.value.type === 'boot') void boot(decoded.value);
  else void run(decoded.value);
});
