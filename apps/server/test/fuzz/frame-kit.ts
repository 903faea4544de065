import { MessageType, SyncMessageType } from '@interview/protocol';
import { BAD_UTF8, concatBytes, varBytes, varUint } from './byte-mutations.js';
import type { FrameCategory } from './frame-generator.js';
import type { FuzzTarget } from './fuzz-targets.js';
import { DEEP_JSON_DEPTHS, fittingDepth } from './hostile-json.js';
import type { Prng } from './prng.js';
import {
  awarenessFrame,
  encodeDocumentUpdate,
  encodeSyncStep1,
  encodeSyncStep2,
  presenceState,
  runId,
  VALID_EVENT_VARIANTS,
  validEventFrame,
  type AwarenessEntry,
} from './valid-frames.js';
import { stateVectorOf } from './yjs-updates.js';

/** What the frame categories share: their types, and the valid frames and envelopes they start from. */

/** What an empty document encodes as: no structs, no deletions. */
export const EMPTY_UPDATE = Uint8Array.of(0, 0);

/** Text put into every forged edit, so its absence from the room can be checked. */
export const GARBAGE_MARKER = 'FUZZ-GARBAGE';

export interface GeneratorContext {
  /** The relay's MAX_MESSAGE_BYTES. */
  maxMessageBytes: number;
  /** The legitimate state of the document a target's socket is on (as the relay holds it). */
  knownState(target: FuzzTarget): Uint8Array;
}

export interface FuzzFrame {
  category: FrameCategory;
  variant: string;
  /** Bytes go as a binary message, a string as a text message. */
  data: Uint8Array | string;
}

/** What a variant gets besides the generator: the caller's context and valid updates to start from. */
export interface MakeContext extends GeneratorContext {
  validUpdate(rng: Prng, kind?: 'state' | 'incremental'): Uint8Array;
}

export type Make = (rng: Prng, target: FuzzTarget, context: MakeContext) => Uint8Array | string;

export interface CategorySpec {
  variants: Record<string, Make>;
  /** Targets the category is meant for; every target when absent. */
  only?: (target: FuzzTarget) => boolean;
}

/** The kinds of valid frame that mutations start from. */
export const BASE_KINDS = ['sync-step1', 'update', 'awareness', 'event'] as const;
type BaseKind = (typeof BASE_KINDS)[number];

export function baseFrame(kind: BaseKind, rng: Prng, target: FuzzTarget, context: MakeContext): Uint8Array {
  switch (kind) {
    case 'sync-step1':
      return encodeSyncStep1(stateVectorOf(context.knownState(target)));
    case 'update':
      return rng.chance(0.5) ? encodeDocumentUpdate(context.validUpdate(rng)) : encodeSyncStep2(context.validUpdate(rng));
    case 'awareness':
      return awarenessFrame([ownPresence(rng, target)]);
    case 'event':
      return validEventFrame(rng, rng.pick(VALID_EVENT_VARIANTS));
  }
}

export function ownPresence(rng: Prng, target: FuzzTarget): AwarenessEntry {
  return { clientId: rng.uint32(), clock: 1 + rng.int(1000), json: JSON.stringify(presenceState(rng, target.role)) };
}

/** A sync frame of the given step with `payload` as its length-prefixed body. */
export function syncFrame(step: number, payload: Uint8Array): Uint8Array {
  return concatBytes([MessageType.Sync], varUint(step), varBytes(payload));
}

export function updateEnvelope(rng: Prng, update: Uint8Array): Uint8Array {
  return rng.chance(0.5) ? encodeDocumentUpdate(update) : encodeSyncStep2(update);
}

/** The header of a frame whose body is one length-prefixed byte array, for each message type that has one. */
export function payloadHeader(rng: Prng): Uint8Array {
  return rng.pick([
    Uint8Array.of(MessageType.Sync, SyncMessageType.Step1),
    Uint8Array.of(MessageType.Sync, SyncMessageType.Step2),
    Uint8Array.of(MessageType.Sync, SyncMessageType.Update),
    Uint8Array.of(MessageType.Awareness),
    Uint8Array.of(MessageType.RoomEvent),
  ]);
}

/** A frame whose body length prefix lies by `delta` bytes. */
export function misLengthFrame(rng: Prng, context: MakeContext, delta: (actual: number) => number): Uint8Array {
  const payload = rng.chance(0.5) ? context.validUpdate(rng) : new TextEncoder().encode(JSON.stringify({ type: 'stop-execution', payload: { runId: runId(rng) } }));
  return concatBytes(payloadHeader(rng), varUint(Math.max(0, delta(payload.length))), payload);
}

/** Replaces the first occurrence of ASCII `marker` in `bytes` with invalid UTF-8 of the same length. */
export function replaceMarker(rng: Prng, bytes: Uint8Array, marker: string): Uint8Array {
  const needle = new TextEncoder().encode(marker);
  const at = Buffer.from(bytes).indexOf(Buffer.from(needle));
  if (at < 0) throw new Error(`marker ${marker} not found in the update`);
  const bad = rng.pick(BAD_UTF8);
  const out = bytes.slice();
  out.set(bad, at);
  return out;
}

export function deepDepth(rng: Prng, kind: 'array' | 'object', context: GeneratorContext, overhead: number): number {
  return fittingDepth(rng.pick(DEEP_JSON_DEPTHS), kind, context.maxMessageBytes, overhead);
}

export const BROKEN_EVENTS: ReadonlyArray<(rng: Prng) => unknown> = [
  (rng) => ({ type: 'execute-code', payload: { runId: runId(rng), language: 'ruby', code: 'x' } }),
  () => ({ type: 'execute-code', payload: { runId: '../../etc/passwd', language: 'python', code: 'x' } }),
  () => ({ type: 'stop-execution', payload: { runId: '' } }),
  () => ({ type: 'stop-execution', payload: { runId: 'r'.repeat(65) } }),
  () => ({ type: 'stop-execution', payload: { runId: 42 } }),
  (rng) => ({ type: 'execution-output', payload: { runId: runId(rng), stream: 'stdin', text: 'x' } }),
  (rng) => ({ type: 'execution-result', payload: { runId: runId(rng), output: '', error: null, status: 'exploded' } }),
  (rng) => ({ type: 'execution-result', payload: { runId: runId(rng), output: '', error: null, durationMs: -1 } }),
  (rng) => ({ type: 'execution-result', payload: { runId: runId(rng), output: '', error: null, errorLine: 0 } }),
  (rng) => ({ type: 'execution-result', payload: { runId: runId(rng), output: '', error: 5 } }),
  (rng) => ({ type: 'execution-result', payload: { runId: runId(rng), output: '', error: null, durationMs: 'NaN' } }),
  () => ({ type: 'signal', payload: { kind: 'keylogger' } }),
  () => ({ type: 'signal', payload: { kind: 'paste', chars: -1, lines: 4 } }),
  () => ({ type: 'signal', payload: { kind: 'paste', chars: 1.5, lines: 4 } }),
  () => ({ type: 'signal', payload: { kind: 'paste', chars: 1e300, lines: 4 } }),
  () => ({ type: 'signal', payload: { kind: 'focus-lost', at: 'yesterday' } }),
  () => ({ type: 'signal', payload: { kind: 'focus-lost', by: { name: 'x', role: 'admin' } } }),
  (rng) => ({ type: 'execute-code', payload: { runId: runId(rng), language: 'python', code: 'x', by: { name: 'n'.repeat(81), role: 'candidate' } } }),
  () => ({ type: 'room-status', payload: { ended: 'yes' } }),
  (rng) => ({ type: 'execution-input', payload: { runId: runId(rng), text: 'i'.repeat(16 * 1024 + 1) } }),
  (rng) => ({ type: 'execution-input-request', payload: { runId: runId(rng), prompt: 'p'.repeat(16 * 1024 + 1) } }),
];

