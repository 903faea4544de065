/**
 * Messages between the three parts of the runner:
 *
 *   host page (python-runner.ts) ⇄ sandbox iframe (harness/) ⇄ worker (worker/)
 *
 * Program output does not travel as messages: the worker writes it into a
 * shared ring (output-pipe.ts) that the harness drains on a timer, so a print
 * storm costs a bounded number of messages. Everything else does, and every
 * receiver decodes what it gets with the validators below: the worker runs
 * user code that can post anything to the harness, and the host trusts
 * nothing that comes out of the sandbox.
 */

/** The runtime files the host hands into the sandbox, by their name in the Pyodide package. */
export const RUNTIME_FILES = ['pyodide.mjs', 'pyodide.asm.mjs', 'pyodide.asm.wasm', 'python_stdlib.zip', 'pyodide-lock.json'] as const;
export type RuntimeFileName = (typeof RUNTIME_FILES)[number];
export type RuntimeFiles = Record<RuntimeFileName, ArrayBuffer>;

export const Limits = {
  runIdLength: 64,
  /** Matches the relay's limit on a program (EventLimits.codeLength). */
  codeLength: 512 * 1024,
  /** One line of input; matches the relay's EventLimits.inputLength. */
  inputLength: 16 * 1024,
  promptLength: 16 * 1024,
  /** Traceback or failure text. */
  errorLength: 64 * 1024,
  /** One output batch from the harness; batches are flushed long before this. */
  batchLength: 1024 * 1024,
} as const;

/** How a run ended, as the worker saw it. The host maps it onto RunStatus. */
export type WorkerRunStatus =
  /** The program finished (or called sys.exit(0)). */
  | 'ok'
  /** An uncaught Python exception, SyntaxError included. */
  | 'error'
  /** KeyboardInterrupt after an interrupt request: the runtime is still usable. */
  | 'interrupted'
  /** The runtime itself failed (fatal error, memory exhausted in wasm): replace the worker. */
  | 'crashed';
const WORKER_RUN_STATUSES: readonly WorkerRunStatus[] = ['ok', 'error', 'interrupted', 'crashed'];

export interface WorkerRunResult {
  status: WorkerRunStatus;
  error: string | null;
  errorLine: number | null;
}

export type OutputStream = 'stdout' | 'stderr';

export interface OutputChunk {
  stream: OutputStream;
  text: string;
}

/** Shared memory the harness allocates for one worker (see control.ts and output-pipe.ts). */
export interface SharedChannels {
  control: SharedArrayBuffer;
  input: SharedArrayBuffer;
  output: SharedArrayBuffer;
}

// ---- host → harness -------------------------------------------------------

export type HostMessage =
  /** Once per harness: the runtime files, transferred. The harness keeps them for restarts. */
  | { type: 'boot'; files: RuntimeFiles }
  | { type: 'run'; runId: string; code: string }
  | { type: 'input'; runId: string; text: string }
  | { type: 'interrupt'; runId: string }
  /** Terminate the worker (whatever it is doing) and start a fresh one. */
  | { type: 'restart' };

// ---- harness → host -------------------------------------------------------

export type HarnessMessage =
  /** The harness document runs; `crossOriginIsolated` must be true for input() and Stop. */
  | { type: 'harness-ready'; crossOriginIsolated: boolean }
  | { type: 'runtime-ready'; bootMs: number }
  /** Booting failed, or the worker died outside a run. */
  | { type: 'runtime-failed'; error: string }
  | { type: 'output'; runId: string; chunks: OutputChunk[] }
  | { type: 'input-request'; runId: string; prompt: string }
  | { type: 'run-done'; runId: string; result: WorkerRunResult };

// ---- harness → worker -----------------------------------------------------

export type WorkerCommand =
  /**
   * `events` is the worker's private way back: user code can post to the
   * harness too (`js.postMessage`), but cannot reach this port, so it
   * cannot forge a runner event such as "run-done".
   */
  | { type: 'boot'; files: RuntimeFiles; channels: SharedChannels; events: MessagePort }
  | { type: 'run'; runId: string; code: string };

// ---- worker → harness -----------------------------------------------------

export type WorkerEvent =
  | { type: 'ready'; bootMs: number }
  | { type: 'boot-failed'; error: string }
  | { type: 'input-request'; runId: string; prompt: string }
  | { type: 'run-done'; runId: string; result: WorkerRunResult };

// ---- validation -----------------------------------------------------------

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

class InvalidMessage extends Error {}

function fail(reason: string): never {
  throw new InvalidMessage(reason);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(m: Record<string, unknown>, key: string, max: number): string {
  const value = m[key];
  if (typeof value !== 'string') fail(`${key} must be a string`);
  if (value.length > max) fail(`${key} is longer than ${max} characters`);
  return value;
}

const RUN_ID = /^[A-Za-z0-9_-]+$/;

function runId(m: Record<string, unknown>): string {
  const value = str(m, 'runId', Limits.runIdLength);
  if (!RUN_ID.test(value)) fail('runId must be 1–64 characters of A–Z, a–z, 0–9, _ or -');
  return value;
}

/** Exported for the client, which checks run ids before they reach the sandbox. */
export function isRunId(value: unknown): value is string {
  return typeof value === 'string' && value.length <= Limits.runIdLength && RUN_ID.test(value);
}

function nonNegative(m: Record<string, unknown>, key: string): number {
  const value = m[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail(`${key} must be a non-negative number`);
  return value;
}

function runtimeFiles(value: unknown): RuntimeFiles {
  if (!isRecord(value)) fail('files must be an object');
  const files: Partial<RuntimeFiles> = {};
  for (const name of RUNTIME_FILES) {
    const file = value[name];
    if (!(file instanceof ArrayBuffer)) fail(`files["${name}"] must be an ArrayBuffer`);
    files[name] = file;
  }
  return files as RuntimeFiles;
}

function runResult(value: unknown): WorkerRunResult {
  if (!isRecord(value)) fail('result must be an object');
  if (!WORKER_RUN_STATUSES.includes(value.status as WorkerRunStatus)) {
    fail(`result.status must be one of ${WORKER_RUN_STATUSES.join(', ')}`);
  }
  const error = value.error === null ? null : str(value, 'error', Limits.errorLength);
  let errorLine: number | null = null;
  if (value.errorLine !== null) {
    if (typeof value.errorLine !== 'number' || !Number.isInteger(value.errorLine) || value.errorLine < 1) {
      fail('result.errorLine must be a positive integer or null');
    }
    errorLine = value.errorLine;
  }
  return { status: value.status as WorkerRunStatus, error, errorLine };
}

function outputChunks(value: unknown): OutputChunk[] {
  if (!Array.isArray(value)) fail('chunks must be an array');
  let total = 0;
  return value.map((chunk: unknown, index) => {
    if (!isRecord(chunk)) fail(`chunks[${index}] must be an object`);
    if (chunk.stream !== 'stdout' && chunk.stream !== 'stderr') fail(`chunks[${index}].stream must be "stdout" or "stderr"`);
    const text = str(chunk, 'text', Limits.batchLength);
    total += text.length;
    if (total > Limits.batchLength) fail(`chunks hold more than ${Limits.batchLength} characters`);
    return { stream: chunk.stream, text };
  });
}

/**
 * Runs `parse` on a message that must be an object with a string `type`,
 * and turns validation failures into a result instead of an exception.
 */
function decodeWith<T>(value: unknown, parse: (type: string, m: Record<string, unknown>) => T): Decoded<T> {
  try {
    if (!isRecord(value)) fail('a message must be an object');
    if (typeof value.type !== 'string') fail('message.type must be a string');
    return { ok: true, value: parse(value.type, value) };
  } catch (error) {
    if (error instanceof InvalidMessage) return { ok: false, reason: error.message };
    throw error;
  }
}

const unknownType = (type: string): never => fail(`unknown message type "${type.slice(0, 40)}"`);

/** What the harness accepts from its parent page. Each decoder returns a copy with only known fields. */
export function decodeHostMessage(value: unknown): Decoded<HostMessage> {
  return decodeWith<HostMessage>(value, (type, m) => {
    switch (type) {
      case 'boot':
        return { type, files: runtimeFiles(m.files) };
      case 'run':
        return { type, runId: runId(m), code: str(m, 'code', Limits.codeLength) };
      case 'input':
        return { type, runId: runId(m), text: str(m, 'text', Limits.inputLength) };
      case 'interrupt':
        return { type, runId: runId(m) };
      case 'restart':
        return { type };
      default:
        return unknownType(type);
    }
  });
}

/** What the host accepts from its sandbox frame. */
export function decodeHarnessMessage(value: unknown): Decoded<HarnessMessage> {
  return decodeWith<HarnessMessage>(value, (type, m) => {
    switch (type) {
      case 'harness-ready':
        if (typeof m.crossOriginIsolated !== 'boolean') fail('crossOriginIsolated must be a boolean');
        return { type, crossOriginIsolated: m.crossOriginIsolated };
      case 'runtime-ready':
        return { type, bootMs: nonNegative(m, 'bootMs') };
      case 'runtime-failed':
        return { type, error: str(m, 'error', Limits.errorLength) };
      case 'output':
        return { type, runId: runId(m), chunks: outputChunks(m.chunks) };
      case 'input-request':
        return { type, runId: runId(m), prompt: str(m, 'prompt', Limits.promptLength) };
      case 'run-done':
        return { type, runId: runId(m), result: runResult(m.result) };
      default:
        return unknownType(type);
    }
  });
}

/** What the worker accepts from the harness. */
export function decodeWorkerCommand(value: unknown): Decoded<WorkerCommand> {
  return decodeWith<WorkerCommand>(value, (type, m) => {
    switch (type) {
      case 'boot': {
        const channels = m.channels;
        if (!isRecord(channels)) fail('channels must be an object');
        for (const key of ['control', 'input', 'output'] as const) {
          if (!(channels[key] instanceof SharedArrayBuffer)) fail(`channels.${key} must be a SharedArrayBuffer`);
        }
        if (!(m.events instanceof MessagePort)) fail('events must be a MessagePort');
        return {
          type,
          files: runtimeFiles(m.files),
          events: m.events,
          channels: {
            control: channels.control as SharedArrayBuffer,
            input: channels.input as SharedArrayBuffer,
            output: channels.output as SharedArrayBuffer,
          },
        };
      }
      case 'run':
        return { type, runId: runId(m), code: str(m, 'code', Limits.codeLength) };
      default:
        return unknownType(type);
    }
  });
}

/**
 * What the harness accepts from the worker's event port. Only the runner
 * holds that port, but it is the sandbox's exit gate all the same.
 */
export function decodeWorkerEvent(value: unknown): Decoded<WorkerEvent> {
  return decodeWith<WorkerEvent>(value, (type, m) => {
    switch (type) {
      case 'ready':
        return { type, bootMs: nonNegative(m, 'bootMs') };
      case 'boot-failed':
        return { type, error: str(m, 'error', Limits.errorLength) };
      case 'input-request':
        return { type, runId: runId(m), prompt: str(m, 'prompt', Limits.promptLength) };
      case 'run-done':
        return { type, runId: runId(m), result: runResult(m.result) };
      default:
        return unknownType(type);
    }
  });
}
