import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { awarenessUpdateShapeProblem } from './awareness-update.js';
import { jsonNestingExceeds, MAX_JSON_DEPTH } from './json-depth.js';
import { MessageType, SyncMessageType } from './message-types.js';
import { validateRoomEvent, type RoomEvent, type ValidationResult } from './room-events.js';

/** A frame from a client, decoded but not yet checked against the document. */
export type ClientFrame =
  | { kind: 'sync-step1'; stateVector: Uint8Array }
  /** Sync step 2 and incremental updates carry the same thing: a Yjs update. */
  | { kind: 'update'; update: Uint8Array }
  | { kind: 'awareness'; update: Uint8Array }
  | { kind: 'query-awareness' }
  | { kind: 'event'; event: RoomEvent };

function frame(type: number, write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, type);
  write(encoder);
  return encoding.toUint8Array(encoder);
}

export function encodeSyncStep1(stateVector: Uint8Array): Uint8Array {
  return frame(MessageType.Sync, (e) => {
    encoding.writeVarUint(e, SyncMessageType.Step1);
    encoding.writeVarUint8Array(e, stateVector);
  });
}

export function encodeSyncStep2(update: Uint8Array): Uint8Array {
  return frame(MessageType.Sync, (e) => {
    encoding.writeVarUint(e, SyncMessageType.Step2);
    encoding.writeVarUint8Array(e, update);
  });
}

export function encodeDocumentUpdate(update: Uint8Array): Uint8Array {
  return frame(MessageType.Sync, (e) => {
    encoding.writeVarUint(e, SyncMessageType.Update);
    encoding.writeVarUint8Array(e, update);
  });
}

export function encodeAwarenessFrame(update: Uint8Array): Uint8Array {
  return frame(MessageType.Awareness, (e) => encoding.writeVarUint8Array(e, update));
}

/** Encodes a room event as a frame: varUint 100, then the event as a JSON varString. */
export function encodeRoomEvent(event: RoomEvent): Uint8Array {
  return frame(MessageType.RoomEvent, (e) => encoding.writeVarString(e, JSON.stringify(event)));
}

/**
 * Decodes the body of a room-event frame (the decoder positioned after the
 * message type). Never throws: malformed input becomes a reason.
 */
export function readRoomEvent(decoder: decoding.Decoder): ValidationResult<RoomEvent> {
  let json: string;
  try {
    json = decoding.readVarString(decoder);
  } catch {
    return { ok: false, reason: 'room event is not a length-prefixed string' };
  }
  if (decoder.pos > decoder.arr.length) return { ok: false, reason: 'room event is longer than the frame' };
  if (decoding.hasContent(decoder)) return { ok: false, reason: 'trailing bytes after room event' };
  // JSON.parse copes with any depth, but what handles the value afterwards may recurse.
  if (jsonNestingExceeds(json, MAX_JSON_DEPTH)) return { ok: false, reason: `room event is nested deeper than ${MAX_JSON_DEPTH} levels` };
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { ok: false, reason: 'room event is not valid JSON' };
  }
  return validateRoomEvent(value);
}

/** Decodes a whole room-event frame, type byte included. */
export function decodeRoomEvent(data: Uint8Array): ValidationResult<RoomEvent> {
  const decoded = decodeClientFrame(data);
  if (!decoded.ok) return decoded;
  if (decoded.value.kind !== 'event') return { ok: false, reason: 'frame is not a room event' };
  return { ok: true, value: decoded.value.event };
}

function readBytes(decoder: decoding.Decoder, what: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = decoding.readVarUint8Array(decoder);
  } catch {
    throw new RangeError(`${what} is longer than the frame`);
  }
  // lib0 may return a view past the end of the frame instead of failing.
  if (decoder.pos > decoder.arr.length) throw new RangeError(`${what} is longer than the frame`);
  if (decoding.hasContent(decoder)) throw new RangeError(`trailing bytes after ${what}`);
  return bytes;
}

/**
 * Decodes any frame a client may send. Never throws: a frame that does not
 * decode, or a type clients may not send, becomes a reason.
 */
export function decodeClientFrame(data: Uint8Array): ValidationResult<ClientFrame> {
  const decoder = decoding.createDecoder(data);
  try {
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case MessageType.Sync: {
        const step = decoding.readVarUint(decoder);
        if (step === SyncMessageType.Step1) return { ok: true, value: { kind: 'sync-step1', stateVector: readBytes(decoder, 'state vector') } };
        if (step === SyncMessageType.Step2 || step === SyncMessageType.Update) {
          return { ok: true, value: { kind: 'update', update: readBytes(decoder, 'update') } };
        }
        return { ok: false, reason: `unknown sync message type ${step}` };
      }
      case MessageType.Awareness: {
        const update = readBytes(decoder, 'awareness update');
        const problem = awarenessUpdateShapeProblem(update);
        return problem ? { ok: false, reason: problem } : { ok: true, value: { kind: 'awareness', update } };
      }
      case MessageType.QueryAwareness:
        if (decoding.hasContent(decoder)) return { ok: false, reason: 'trailing bytes after query-awareness' };
        return { ok: true, value: { kind: 'query-awareness' } };
      case MessageType.RoomEvent: {
        const event = readRoomEvent(decoder);
        return event.ok ? { ok: true, value: { kind: 'event', event: event.value } } : event;
      }
      default:
        return { ok: false, reason: `message type ${type} is not accepted from clients` };
    }
  } catch (error) {
    return { ok: false, reason: `malformed frame: ${error instanceof Error ? error.message : String(error)}` };
  }
}
