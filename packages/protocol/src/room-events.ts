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

/**
 * What interviewers are shown about the candidate's behaviour, as the
 * candidate is told on the join page: large pastes into the code, and the
 * tab or window losing focus.
 */
export const SIGNAL_KINDS = ['paste', 'focus-lost', 'focus-returned'] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];

/**
 * Sent by a candidate's browser; the relay stamps `by` and `at` (and, for
 * `focus-returned`, `awayMs` from its own clock), stores it and relays it to
 * interviewers only. Values a client sends for the stamped fields are ignored.
 */
export interface SignalEvent {
  type: 'signal';
  payload: {
    kind: SignalKind;
    /** paste: characters pasted. */
    chars?: number;
    /** paste: lines pasted. */
    lines?: number;
    by?: RunAuthor;
    /** ISO 8601, the relay's clock. */
    at?: string;
    /** focus-returned: how long focus was away, by the relay's clock. */
    awayMs?: number;
  };
}

/**
 * Whether the interview has ended. Sent by the relay only: to everyone on
 * the main channel when an interviewer ends or reopens the room (through
 * `PUT /api/rooms/:roomId/status`), and to each joiner while it is ended.
 * While ended the relay drops candidates' document writes and refuses their runs.
 */
export interface RoomStatusEvent {
  type: 'room-status';
  payload: RoomStatus;
}

/** A room's state, in events and in the HTTP API. */
export interface RoomStatus {
  ended: boolean;
  /** ISO 8601; null while open. */
  endedAt: string | null;
  /** Name of the interviewer who ended it; null while open. */
  endedBy: string | null;
}

export type RoomEvent =
  | ExecuteCodeEvent
  | ExecutionOutputEvent
  | ExecutionResultEvent
  | ExecutionInputRequestEvent
  | ExecutionInputEvent
  | StopExecutionEvent
  | SignalEvent
  | RoomStatusEvent;

export type RoomEventType = RoomEvent['type'];

export const ROOM_EVENT_TYPES: readonly RoomEventType[] = [
  'execute-code',
  'execution-output',
  'execution-result',
  'execution-input-request',
  'execution-input',
  'stop-execution',
  'signal',
  'room-status',
];

/** A paste this large (either bound) is a signal; smaller ones are ordinary typing aids. */
export const LARGE_PASTE = { chars: 80, lines: 3 } as const;

export function isLargePaste(chars: number, lines: number): boolean {
  return chars >= LARGE_PASTE.chars || lines >= LARGE_PASTE.lines;
}

/** Bounds on event fields; frames are bounded separately by the relay. */
export const EventLimits = {
  runIdLength: 64,
  nameLength: 80,
  codeLength: 512 * 1024,
  textLength: 512 * 1024,
  inputLength: 16 * 1024,
  /** Largest paste size a signal may report (characters or lines). */
  pasteSize: 10_000_000,
  /** Longest ISO 8601 timestamp accepted in `at` / `endedAt`. */
  timestampLength: 40,
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

function count(payload: Record<string, unknown>, key: string, max: number): number | undefined {
  const value = payload[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    fail(`payload.${key} must be an integer from 0 to ${max}`);
  }
  return value;
}

function timestamp(payload: Record<string, unknown>, key: string): string {
  const value = str(payload, key, EventLimits.timestampLength);
  if (Number.isNaN(Date.parse(value))) fail(`payload.${key} must be an ISO 8601 date`);
  return value;
}

function nullable<T>(payload: Record<string, unknown>, key: string, read: () => T): T | null {
  return payload[key] === null ? null : read();
}

function parseSignal(p: Record<string, unknown>): SignalEvent {
  if (!(SIGNAL_KINDS as readonly unknown[]).includes(p.kind)) fail(`payload.kind must be one of ${SIGNAL_KINDS.join(', ')}`);
  const payload: SignalEvent['payload'] = { kind: p.kind as SignalKind };
  const chars = count(p, 'chars', EventLimits.pasteSize);
  const lines = count(p, 'lines', EventLimits.pasteSize);
  const awayMs = count(p, 'awayMs', Number.MAX_SAFE_INTEGER);
  const by = author(p.by);
  if (chars !== undefined) payload.chars = chars;
  if (lines !== undefined) payload.lines = lines;
  if (awayMs !== undefined) payload.awayMs = awayMs;
  if (by) payload.by = by;
  if (p.at !== undefined) payload.at = timestamp(p, 'at');
  return { type: 'signal', payload };
}

function parseRoomStatus(p: Record<string, unknown>): RoomStatusEvent {
  if (typeof p.ended !== 'boolean') fail('payload.ended must be a boolean');
  return {
    type: 'room-status',
    payload: {
      ended: p.ended,
      endedAt: nullable(p, 'endedAt', () => timestamp(p, 'endedAt')),
      endedBy: nullable(p, 'endedBy', () => str(p, 'endedBy', EventLimits.nameLength)),
    },
  };
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
    case 'signal':
      return parseSignal(p);
    case 'room-status':
      return parseRoomStatus(p);
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
