/**
 * Every message of the JavaScript runner, in its two channels:
 *
 *   page (client) ⇄ sandbox iframe (harness)   — window.postMessage
 *   harness ⇄ worker prelude                   — a private MessagePort
 *
 * The worker runs user code, so anything from the worker is untrusted; the
 * harness only forwards what these decoders accept, stamped with the run id
 * it owns. Decoders never throw: they return why a message was refused.
 */

/** Bumped on any incompatible change; the client refuses a harness of another version. */
export const PROTOCOL_VERSION = 1;

export type OutputStream = 'stdout' | 'stderr';

export interface OutputChunk {
  stream: OutputStream;
  text: string;
}

// ---------------------------------------------------------------- page → harness

export interface RunMessage {
  type: 'run';
  runId: string;
  code: string;
}

export interface StopMessage {
  type: 'stop';
  runId: string;
}

/** Sent now and then during a run: a sandbox that stops answering has crashed (out of memory). */
export interface PingMessage {
  type: 'ping';
  seq: number;
}

export type PageToHarness = RunMessage | StopMessage | PingMessage;

// ---------------------------------------------------------------- harness → page

export interface ReadyMessage {
  type: 'ready';
  version: number;
}

export interface OutputMessage {
  type: 'output';
  runId: string;
  chunks: OutputChunk[];
}

/** The program ended by itself: it finished (`ok`) or an error escaped (`error`). */
export interface DoneMessage {
  type: 'done';
  runId: string;
  status: 'ok' | 'error';
  error: string | null;
  errorLine: number | null;
  durationMs: number;
}

/** Answer to `stop`: the worker is gone and all output of the run was sent before this. */
export interface StoppedMessage {
  type: 'stopped';
  runId: string;
}

export interface PongMessage {
  type: 'pong';
  seq: number;
}

export type HarnessToPage = ReadyMessage | OutputMessage | DoneMessage | StoppedMessage | PongMessage;

// ---------------------------------------------------------------- harness ⇄ worker

/** Sent once to a new worker, carrying the port the prelude reports on. */
export interface InitMessage {
  type: 'init';
  /** Lines of the worker script before the user's first line. */
  lineOffset: number;
  userLineCount: number;
  outputLimit: number;
}

export interface WorkerOutputMessage {
  type: 'output';
  chunks: OutputChunk[];
  /** The prelude dropped output past the limit. */
  truncated: boolean;
}

export interface WorkerDoneMessage {
  type: 'done';
  status: 'ok' | 'error';
  error: string | null;
  errorLine: number | null;
  durationMs: number;
}

export type WorkerToHarness = WorkerOutputMessage | WorkerDoneMessage;

// ---------------------------------------------------------------- limits of fields

export const MAX_RUN_ID_LENGTH = 200;
/** Far beyond any interview program; bounds the work of building a worker. */
export const MAX_CODE_LENGTH = 5_000_000;
export const MAX_CHUNKS_PER_MESSAGE = 100_000;
export const MAX_ERROR_LENGTH = 100_000;

// ---------------------------------------------------------------- decoders

export type Decoded<T> = { ok: true; message: T } | { ok: false; reason: string };

const refuse = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRunId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_RUN_ID_LENGTH;
}

function isStream(value: unknown): value is OutputStream {
  return value === 'stdout' || value === 'stderr';
}

function isErrorLine(value: unknown): value is number | null {
  return value === null || (typeof value === 'number' && Number.isInteger(value) && value >= 1);
}

function isDuration(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function decodeChunks(value: unknown): OutputChunk[] | null {
  if (!Array.isArray(value) || value.length > MAX_CHUNKS_PER_MESSAGE) return null;
  const chunks: OutputChunk[] = [];
  for (const chunk of value as unknown[]) {
    if (!isRecord(chunk) || !isStream(chunk.stream) || typeof chunk.text !== 'string') return null;
    chunks.push({ stream: chunk.stream, text: chunk.text });
  }
  return chunks;
}

function decodeEnding(
  data: Record<string, unknown>,
): { status: 'ok' | 'error'; error: string | null; errorLine: number | null; durationMs: number } | string {
  if (data.status !== 'ok' && data.status !== 'error') return 'status must be "ok" or "error"';
  if (data.error !== null && (typeof data.error !== 'string' || data.error.length > MAX_ERROR_LENGTH)) {
    return 'error must be null or a string';
  }
  if (!isErrorLine(data.errorLine)) return 'errorLine must be null or a positive integer';
  if (!isDuration(data.durationMs)) return 'durationMs must be a non-negative number';
  return { status: data.status, error: data.error, errorLine: data.errorLine, durationMs: data.durationMs };
}

function isSeq(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

export function decodePageMessage(data: unknown): Decoded<PageToHarness> {
  if (!isRecord(data)) return refuse('not an object');
  if (data.type === 'ping') {
    if (!isSeq(data.seq)) return refuse('seq must be a non-negative integer');
    return { ok: true, message: { type: 'ping', seq: data.seq } };
  }
  if (!isRunId(data.runId)) return refuse('runId must be a short non-empty string');
  switch (data.type) {
    case 'run':
      if (typeof data.code !== 'string' || data.code.length > MAX_CODE_LENGTH) return refuse('code must be a string');
      return { ok: true, message: { type: 'run', runId: data.runId, code: data.code } };
    case 'stop':
      return { ok: true, message: { type: 'stop', runId: data.runId } };
    default:
      return refuse(`unknown message type ${JSON.stringify(String(data.type))}`);
  }
}

export function decodeHarnessMessage(data: unknown): Decoded<HarnessToPage> {
  if (!isRecord(data)) return refuse('not an object');
  if (data.type === 'ready') {
    if (typeof data.version !== 'number') return refuse('version must be a number');
    return { ok: true, message: { type: 'ready', version: data.version } };
  }
  if (data.type === 'pong') {
    if (!isSeq(data.seq)) return refuse('seq must be a non-negative integer');
    return { ok: true, message: { type: 'pong', seq: data.seq } };
  }
  if (!isRunId(data.runId)) return refuse('runId must be a short non-empty string');
  switch (data.type) {
    case 'output': {
      const chunks = decodeChunks(data.chunks);
      if (chunks === null) return refuse('chunks must be a list of { stream, text }');
      return { ok: true, message: { type: 'output', runId: data.runId, chunks } };
    }
    case 'done': {
      const ending = decodeEnding(data);
      if (typeof ending === 'string') return refuse(ending);
      return { ok: true, message: { type: 'done', runId: data.runId, ...ending } };
    }
    case 'stopped':
      return { ok: true, message: { type: 'stopped', runId: data.runId } };
    default:
      return refuse(`unknown message type ${JSON.stringify(String(data.type))}`);
  }
}

export function decodeInitMessage(data: unknown): Decoded<InitMessage> {
  if (!isRecord(data) || data.type !== 'init') return refuse('not an init message');
  const { lineOffset, userLineCount, outputLimit } = data;
  const counts = [lineOffset, userLineCount, outputLimit];
  if (!counts.every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 0)) {
    return refuse('lineOffset, userLineCount and outputLimit must be non-negative integers');
  }
  return {
    ok: true,
    message: {
      type: 'init',
      lineOffset: lineOffset as number,
      userLineCount: userLineCount as number,
      outputLimit: outputLimit as number,
    },
  };
}

export function decodeWorkerMessage(data: unknown): Decoded<WorkerToHarness> {
  if (!isRecord(data)) return refuse('not an object');
  switch (data.type) {
    case 'output': {
      const chunks = decodeChunks(data.chunks);
      if (chunks === null) return refuse('chunks must be a list of { stream, text }');
      return { ok: true, message: { type: 'output', chunks, truncated: data.truncated === true } };
    }
    case 'done': {
      const ending = decodeEnding(data);
      if (typeof ending === 'string') return refuse(ending);
      return { ok: true, message: { type: 'done', ...ending } };
    }
    default:
      return refuse(`unknown message type ${JSON.stringify(String(data.type))}`);
  }
}
