import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { ROLES, type Role } from '@interview/protocol';

/**
 * What one relay instance tells the others about a room channel it
 * serves, over the bus. Everything in it was already checked (and, for
 * document updates, stored) by the instance that publishes it; the
 * receiver still decodes it whole before acting on it.
 */
export type PeerMessage =
  /** A document update, stored before it was published. */
  | { kind: 'update'; origin: string; update: Uint8Array }
  /** An awareness update from a participant with this role (or its removal when they left). */
  | { kind: 'awareness'; origin: string; role: Role; update: Uint8Array }
  /** A room-event frame, as the clients receive it, and who may receive it. */
  | { kind: 'event'; origin: string; audience: Audience; frame: Uint8Array };

export type Audience = 'everyone' | 'interviewers';

/** First byte of every peer message; a receiver drops versions it does not know. */
export const PEER_PROTOCOL_VERSION = 1;

const KIND_CODES = { update: 1, awareness: 2, event: 3 } as const;
const AUDIENCE_CODES: Record<Audience, number> = { everyone: 0, interviewers: 1 };

export function encodePeerMessage(message: PeerMessage): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeUint8(encoder, PEER_PROTOCOL_VERSION);
  encoding.writeUint8(encoder, KIND_CODES[message.kind]);
  encoding.writeVarString(encoder, message.origin);
  switch (message.kind) {
    case 'update':
      encoding.writeVarUint8Array(encoder, message.update);
      break;
    case 'awareness':
      encoding.writeVarString(encoder, message.role);
      encoding.writeVarUint8Array(encoder, message.update);
      break;
    case 'event':
      encoding.writeUint8(encoder, AUDIENCE_CODES[message.audience]);
      encoding.writeVarUint8Array(encoder, message.frame);
      break;
  }
  return encoding.toUint8Array(encoder);
}

export type PeerDecodeResult = { ok: true; value: PeerMessage } | { ok: false; reason: string };

function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Never throws: a message that does not decode becomes a reason. */
export function decodePeerMessage(data: Uint8Array): PeerDecodeResult {
  const decoder = decoding.createDecoder(data);
  try {
    const version = decoding.readUint8(decoder);
    if (version !== PEER_PROTOCOL_VERSION) return { ok: false, reason: `peer protocol version ${version} (this instance speaks ${PEER_PROTOCOL_VERSION})` };
    const kind = decoding.readUint8(decoder);
    const origin = decoding.readVarString(decoder);
    let message: PeerMessage;
    switch (kind) {
      case KIND_CODES.update:
        message = { kind: 'update', origin, update: decoding.readVarUint8Array(decoder) };
        break;
      case KIND_CODES.awareness: {
        const role = decoding.readVarString(decoder);
        if (!isRole(role)) return { ok: false, reason: `unknown role "${role.slice(0, 20)}"` };
        message = { kind: 'awareness', origin, role, update: decoding.readVarUint8Array(decoder) };
        break;
      }
      case KIND_CODES.event: {
        const code = decoding.readUint8(decoder);
        const audience = (Object.keys(AUDIENCE_CODES) as Audience[]).find((name) => AUDIENCE_CODES[name] === code);
        if (!audience) return { ok: false, reason: `unknown audience ${code}` };
        message = { kind: 'event', origin, audience, frame: decoding.readVarUint8Array(decoder) };
        break;
      }
      default:
        return { ok: false, reason: `unknown peer message kind ${kind}` };
    }
    // lib0 reads past the end without failing; a message cut short shows up here.
    if (decoder.pos > data.byteLength) return { ok: false, reason: 'peer message is shorter than its lengths say' };
    if (decoding.hasContent(decoder)) return { ok: false, reason: 'trailing bytes after peer message' };
    return { ok: true, value: message };
  } catch (error) {
    return { ok: false, reason: `peer message does not decode: ${error instanceof Error ? error.message : String(error)}` };
  }
}
