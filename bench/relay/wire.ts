/**
 * The y-websocket wire protocol as the load clients speak it, encoded with
 * y-protocols and lib0 like any stock client. Receivers only read the framing
 * and the first struct's id of an update: applying it to a Y.Doc would cost
 * the load generator more than the relay spends on it.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';

/** Message types of y-websocket (the first varUint of a frame). */
export const MessageType = { sync: 0, awareness: 1 } as const;
/** Sync steps (y-protocols/sync). */
export const SyncStep = {
  step1: syncProtocol.messageYjsSyncStep1,
  step2: syncProtocol.messageYjsSyncStep2,
  update: syncProtocol.messageYjsUpdate,
} as const;

function syncFrame(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.sync);
  write(encoder);
  return encoding.toUint8Array(encoder);
}

const emptyDoc = new Y.Doc();

/** Sync step 1 of a client that holds nothing: "send me everything". */
export const EMPTY_SYNC_STEP1: Uint8Array = syncFrame((encoder) => syncProtocol.writeSyncStep1(encoder, emptyDoc));

/**
 * Sync step 2 of a client that holds nothing, the answer to the server's
 * step 1. Stock clients always send it; it changes nothing on the server.
 */
export const EMPTY_SYNC_STEP2: Uint8Array = syncFrame((encoder) => syncProtocol.writeSyncStep2(encoder, emptyDoc));

/** An incremental update frame, as a provider sends each local change. */
export function encodeUpdateFrame(update: Uint8Array): Uint8Array {
  return syncFrame((encoder) => syncProtocol.writeUpdate(encoder, update));
}

/** What a receiver needs to know about a frame, without applying anything. */
export type FrameKind =
  | { kind: 'sync-step1' }
  | { kind: 'sync-step2'; update: Uint8Array }
  | { kind: 'update'; update: Uint8Array }
  | { kind: 'other'; messageType: number };

export function readFrame(frame: Uint8Array): FrameKind {
  const decoder = decoding.createDecoder(frame);
  const messageType = decoding.readVarUint(decoder);
  if (messageType !== MessageType.sync) return { kind: 'other', messageType };
  const step = decoding.readVarUint(decoder);
  if (step === SyncStep.step1) return { kind: 'sync-step1' };
  // A view into the frame, not a copy.
  const update = decoding.readVarUint8Array(decoder);
  return step === SyncStep.step2 ? { kind: 'sync-step2', update } : { kind: 'update', update };
}

/**
 * The id (client, clock) of the first struct of a Yjs v1 update, or null for
 * an update without structs (a pure deletion). The layout is the start of
 * `writeStructs`: number of clients, then per client the number of structs,
 * the client id and the clock of its first struct. A relay that applies the
 * update and re-encodes it (ours and the reference server) keeps this id, so
 * it tells receivers which pre-encoded update reached them.
 */
export function firstStructId(update: Uint8Array): { client: number; clock: number } | null {
  const decoder = decoding.createDecoder(update);
  const clients = decoding.readVarUint(decoder);
  if (clients === 0) return null;
  decoding.readVarUint(decoder); // structs of this client
  const client = decoding.readVarUint(decoder);
  const clock = decoding.readVarUint(decoder);
  return { client, clock };
}
