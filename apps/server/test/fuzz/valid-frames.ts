import * as encoding from 'lib0/encoding';
import {
  encodeAwarenessFrame,
  encodeDocumentUpdate,
  encodeRoomEvent,
  encodeSyncStep1,
  encodeSyncStep2,
  MessageType,
  type Role,
  type RoomEvent,
} from '@interview/protocol';
import type { Prng } from './prng.js';

/** Frames exactly as a well-behaved client writes them, with random but valid contents. */

export interface AwarenessEntry {
  clientId: number;
  clock: number;
  /** The state's JSON as it goes on the wire (may be invalid on purpose). */
  json: string | Uint8Array;
}

/** A y-protocols awareness update from explicit entries; `count` may lie about how many follow. */
export function awarenessUpdate(entries: readonly AwarenessEntry[], count = entries.length): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, count);
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.clientId);
    encoding.writeVarUint(encoder, entry.clock);
    if (typeof entry.json === 'string') encoding.writeVarString(encoder, entry.json);
    else encoding.writeVarUint8Array(encoder, entry.json);
  }
  return encoding.toUint8Array(encoder);
}

export function awarenessFrame(entries: readonly AwarenessEntry[]): Uint8Array {
  return encodeAwarenessFrame(awarenessUpdate(entries));
}

export function queryAwarenessFrame(): Uint8Array {
  return Uint8Array.of(MessageType.QueryAwareness);
}

/** A state vector with the given (client, clock) pairs, as Yjs encodes one. */
export function stateVector(entries: ReadonlyArray<readonly [number, number]>): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const [client, clock] of entries) {
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, clock);
  }
  return encoding.toUint8Array(encoder);
}

export { encodeDocumentUpdate, encodeSyncStep1, encodeSyncStep2 };

/** A room event frame whose JSON is exactly `json` (not necessarily an event). */
export function rawEventFrame(json: string | Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.RoomEvent);
  if (typeof json === 'string') encoding.writeVarString(encoder, json);
  else encoding.writeVarUint8Array(encoder, json);
  return encoding.toUint8Array(encoder);
}

/** The presence a participant's browser publishes (AwarenessUser plus a cursor). */
export function presenceState(rng: Prng, role: Role | string | null): Record<string, unknown> {
  const user: Record<string, unknown> = { name: `Fuzz ${rng.word(4)}`, color: '#30bced', colorLight: '#30bced33' };
  if (role !== null) user.role = role;
  const state: Record<string, unknown> = { user };
  if (rng.chance(0.5)) {
    const position = { type: { client: rng.uint32(), clock: rng.int(100) }, tname: null, item: { client: rng.uint32(), clock: rng.int(100) }, assoc: 0 };
    state.cursor = { anchor: position, head: position };
  }
  return state;
}

export function runId(rng: Prng): string {
  return `fuzz-${rng.word(1 + rng.int(20), 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-')}`;
}

/** One valid event of each type the protocol knows; some the relay refuses by rule (room-status, a paste without its size). */
export const VALID_EVENT_VARIANTS = [
  'execute-code',
  'execution-output',
  'execution-input-request',
  'execution-input',
  'execution-result',
  'stop-execution',
  'signal-paste',
  'signal-small-paste',
  'signal-paste-without-size',
  'signal-focus-lost',
  'signal-focus-returned',
  'room-status',
  'extra-fields',
] as const;
export type ValidEventVariant = (typeof VALID_EVENT_VARIANTS)[number];

export function validEvent(rng: Prng, variant: ValidEventVariant): RoomEvent | Record<string, unknown> {
  const id = runId(rng);
  switch (variant) {
    case 'execute-code':
      return {
        type: 'execute-code',
        payload: { runId: id, language: rng.pick(['python', 'javascript'] as const), code: `print(${rng.int(1000)})`, ...(rng.chance(0.5) ? { by: { name: 'Forged', role: 'interviewer' } } : {}) },
      };
    case 'execution-output':
      return { type: 'execution-output', payload: { runId: id, stream: rng.pick(['stdout', 'stderr'] as const), text: `${rng.word(8)}\n` } };
    case 'execution-input-request':
      return { type: 'execution-input-request', payload: { runId: id, prompt: 'name? ' } };
    case 'execution-input':
      return { type: 'execution-input', payload: { runId: id, text: rng.word(6) } };
    case 'execution-result':
      return {
        type: 'execution-result',
        payload: {
          runId: id,
          output: `${rng.int(100)}\n`,
          error: rng.chance(0.5) ? null : 'Traceback: boom',
          ...(rng.chance(0.5) ? { status: rng.pick(['ok', 'error', 'stopped', 'timeout'] as const) } : {}),
          ...(rng.chance(0.5) ? { durationMs: rng.int(10_000) } : {}),
          ...(rng.chance(0.5) ? { errorLine: 1 + rng.int(50) } : {}),
        },
      };
    case 'stop-execution':
      return { type: 'stop-execution', payload: { runId: id } };
    case 'signal-paste':
      return { type: 'signal', payload: { kind: 'paste', chars: 80 + rng.int(5000), lines: rng.int(200) } };
    case 'signal-small-paste':
      return { type: 'signal', payload: { kind: 'paste', chars: rng.int(10), lines: 1 } };
    case 'signal-paste-without-size':
      return { type: 'signal', payload: { kind: 'paste' } };
    case 'signal-focus-lost':
      return { type: 'signal', payload: { kind: 'focus-lost', at: new Date(0).toISOString(), by: { name: 'Forged', role: 'interviewer' } } };
    case 'signal-focus-returned':
      return { type: 'signal', payload: { kind: 'focus-returned', awayMs: rng.int(1_000_000) } };
    case 'room-status':
      return { type: 'room-status', payload: { ended: rng.chance(0.5), endedAt: null, endedBy: null } };
    case 'extra-fields':
      return { type: 'stop-execution', payload: { runId: id, shell: 'rm -rf /', nested: { a: [1, 2, 3] } }, extra: true };
  }
}

export function validEventFrame(rng: Prng, variant: ValidEventVariant): Uint8Array {
  const event = validEvent(rng, variant);
  // extra-fields is not a RoomEvent by type; it goes through JSON like any other.
  return 'extra' in event ? rawEventFrame(JSON.stringify(event)) : encodeRoomEvent(event as RoomEvent);
}
