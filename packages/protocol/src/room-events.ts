import { isLanguage, isRole, type Language, type Role } from './room-document.js';

/** Who started a run; stamped by the relay from the sender's connection. */
export interface RunAuthor {
  name: string;
  role: Role;
}

export type RunStatus = 'ok' | 'error' | 'stopped' | 'timeout';
export const RUN_STATUSES: readonly RunStatus[] = ['ok', 'error', 'stopped', 'timeout'];

export interface ExecuteCodeEvent {
  type: 'execute-code';
  payload: { runId: string; language: Language; code: string; by?: RunAuthor };
}

export interface ExecutionOutputEvent {
  type: 'execution-output';
  payload: { runId: string; stream: 'stdout' | 'stderr'; text: string };
}

export interface ExecutionResultEvent {
  type: 'execution-result';
  payload: {
    runId: string;
    output: string;
    /** null when the run succeeded. */
    error: string | null;
    status?: RunStatus;
    durationMs?: number;
    /** 1-based line of the program where the error was raised, when known. */
    errorLine?: number;
  };
}

/** The program waits for a line of input; its prompt has already been sent as output. */
export interface ExecutionInputRequestEvent {
  type: 'execution-input-request';
  payload: { runId: string; prompt: string };
}

/** The line the runner's user typed in answer; everyone sees it. */
export interface ExecutionInputEvent {
  type: 'execution-input';
  payload: { runId: string; text: string };
}

export interface StopExecutionEvent {
  type: 'stop-execution';
  payload: { runId: string };
}

export type RoomEvent =
  | ExecuteCodeEvent
  | ExecutionOutputEvent
  | ExecutionResultEvent
  | ExecutionInputRequestEvent
  | ExecutionInputEvent
  | StopExecutionEvent;

export type RoomEventType = RoomEvent['type'];

export const ROOM_EVENT_TYPES: readonly RoomEventType[] = [
  'execute-code',
  'execution-output',
  'execution-result',
  'execution-input-request',
  'execution-input',
  'stop-execution',
];

/** Bounds on event fields; frames are bounded separately by the relay. */
export const EventLimits = {
  runIdLength: 64,
  nameLength: 80,
  codeLength: 512 * 1024,
  textLength: 512 * 1024,
  inputLength: 16 * 1024,
} as const;

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; reason: string };

const RUN_ID = /^[A-Za-z0-9_-]+$/;

class InvalidEvent extends Error {}

function fail(reason: string): never {
  throw new InvalidEvent(reason);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(payload: Record<string, unknown>, key: string, max: number, path = `payload.${key}`): string {
  const value = payload[key];
  if (typeof value !== 'string') fail(`${path} must be a string`);
  if (value.length > max) fail(`${path} is longer than ${max} characters`);
  return value;
}

function runId(payload: Record<string, unknown>): string {
  const value = str(payload, 'runId', EventLimits.runIdLength);
  if (!RUN_ID.test(value)) fail('payload.runId must be 1–64 characters of A–Z, a–z, 0–9, _ or -');
  return value;
}

function author(value: unknown): RunAuthor | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) fail('payload.by must be an object');
  const name = str(value, 'name', EventLimits.nameLength, 'payload.by.name');
  if (!isRole(value.role)) fail('payload.by.role must be "interviewer" or "candidate"');
  return { name, role: value.role };
}

function parsePayload(type: RoomEventType, p: Record<string, unknown>): RoomEvent {
  switch (type) {
    case 'execute-code': {
      if (!isLanguage(p.language)) fail('payload.language must be "python" or "javascript"');
      const by = author(p.by);
      const payload = { runId: runId(p), language: p.language, code: str(p, 'code', EventLimits.codeLength) };
      return { type, payload: by ? { ...payload, by } : payload };
    }
    case 'execution-output': {
      if (p.stream !== 'stdout' && p.stream !== 'stderr') fail('payload.stream must be "stdout" or "stderr"');
      return { type, payload: { runId: runId(p), stream: p.stream, text: str(p, 'text', EventLimits.textLength) } };
    }
    case 'execution-result': {
      const error = p.error === null ? null : str(p, 'error', EventLimits.textLength);
      const payload: ExecutionResultEvent['payload'] = {
        runId: runId(p),
        output: str(p, 'output', EventLimits.textLength),
        error,
      };
      if (p.status !== undefined) {
        if (!RUN_STATUSES.includes(p.status as RunStatus)) fail(`payload.status must be one of ${RUN_STATUSES.join(', ')}`);
        payload.status = p.status as RunStatus;
      }
      if (p.durationMs !== undefined) {
        if (typeof p.durationMs !== 'number' || !Number.isFinite(p.durationMs) || p.durationMs < 0) {
          fail('payload.durationMs must be a non-negative number');
        }
        payload.durationMs = p.durationMs;
      }
      if (p.errorLine !== undefined) {
        if (typeof p.errorLine !== 'number' || !Number.isInteger(p.errorLine) || p.errorLine < 1) {
          fail('payload.errorLine must be a positive integer');
        }
        payload.errorLine = p.errorLine;
      }
      return { type, payload };
    }
    case 'execution-input-request':
      return { type, payload: { runId: runId(p), prompt: str(p, 'prompt', EventLimits.inputLength) } };
    case 'execution-input':
      return { type, payload: { runId: runId(p), text: str(p, 'text', EventLimits.inputLength) } };
    case 'stop-execution':
      return { type, payload: { runId: runId(p) } };
  }
}

/**
 * Checks that an untrusted value is a well-formed room event and returns a
 * copy holding only the known fields, so nothing unvalidated is relayed.
 */
export function validateRoomEvent(value: unknown): ValidationResult<RoomEvent> {
  try {
    if (!isPlainObject(value)) fail('an event must be a JSON object');
    const { type, payload } = value;
    if (typeof type !== 'string') fail('event.type must be a string');
    if (!(ROOM_EVENT_TYPES as readonly string[]).includes(type)) fail(`unknown event type "${type.slice(0, 40)}"`);
    if (!isPlainObject(payload)) fail('event.payload must be an object');
    return { ok: true, value: parsePayload(type as RoomEventType, payload) };
  } catch (error) {
    if (error instanceof InvalidEvent) return { ok: false, reason: error.message };
    throw error;
  }
}
