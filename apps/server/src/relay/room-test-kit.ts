import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { vi } from 'vitest';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import {
  decodeClientFrame,
  encodeAwarenessFrame,
  encodeDocumentUpdate,
  encodeSyncStep1,
  encodeSyncStep2,
  MessageType,
  RoomDocument,
  SyncMessageType,
  type ClientFrame,
  type Role,
  type RoomEvent,
} from '@interview/protocol';
import type { LogFields, Logger } from '../log.js';
import type { MessageRateLimit } from './message-rate-limit.js';
import { Connection, type RelaySocket } from './connection.js';
import type { Room } from './room.js';

// Helpers for the relay's unit tests: in-memory participants that speak the wire protocol to a Room.

/** Origin of changes a test client received from the relay, so it does not send them back. */
export const FROM_RELAY = Symbol('from-relay');

/**
 * A participant with a real Y.Doc and awareness that speaks the wire
 * protocol to the room over an in-memory socket. Frames travel
 * asynchronously and in order in both directions, as on a real socket.
 */
export class TestClient {
  readonly doc = new Y.Doc();
  readonly text = this.doc.getText(RoomDocument.code);
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  readonly connection: Connection;
  /** Every frame the relay sent, in order. */
  readonly frames: Uint8Array[] = [];
  /** Updates this client produced and sent. */
  readonly sentUpdates: Uint8Array[] = [];
  closed: { code: number; reason: string } | null = null;
  private destroyed = false;

  constructor(
    private readonly room: Room,
    readonly name: string,
    readonly role: Role,
    rate: MessageRateLimit | null = null,
  ) {
    // No presence until a test publishes some.
    this.awareness.setLocalState(null);
    const socket: RelaySocket = {
      send: (data) => {
        const copy = data.slice();
        queueMicrotask(() => this.receive(copy));
      },
      close: (code, reason) => {
        this.closed ??= { code, reason };
      },
    };
    this.connection = new Connection(socket, { connectionId: `test-${name}`, role, name }, rate);
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === FROM_RELAY) return;
      this.sentUpdates.push(update);
      this.send(encodeDocumentUpdate(update));
    });
    this.awareness.on('update', ({ added, updated, removed }: AwarenessChange, origin: unknown) => {
      if (origin === FROM_RELAY) return;
      this.send(encodeAwarenessFrame(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...added, ...updated, ...removed])));
    });
  }

  join(): this {
    this.room.join(this.connection);
    this.send(encodeSyncStep1(Y.encodeStateVector(this.doc)));
    return this;
  }

  /** The socket closed from this side, as ws.ts reports it. */
  leave(): void {
    this.connection.closed = true;
    this.room.leave(this.connection);
  }

  /** Sends a frame as is; the relay decides what to make of it. */
  send(frame: Uint8Array): void {
    if (this.destroyed) return;
    queueMicrotask(() => this.room.receive(this.connection, frame));
  }

  sendEvent(event: unknown): void {
    this.send(rawEventFrame(event));
  }

  get decoded(): ClientFrame[] {
    return this.frames.map((frame) => {
      const decoded = decodeClientFrame(frame);
      if (!decoded.ok) throw new Error(`the relay sent a frame that does not decode: ${decoded.reason}`);
      return decoded.value;
    });
  }

  /** Incremental updates relayed from others (not sync answers). */
  get relayedUpdates(): Uint8Array[] {
    return this.frames.filter((f) => f[0] === MessageType.Sync && f[1] === SyncMessageType.Update);
  }

  get synced(): boolean {
    return this.frames.some((f) => f[0] === MessageType.Sync && f[1] === SyncMessageType.Step2);
  }

  get events(): RoomEvent[] {
    return this.decoded.flatMap((f) => (f.kind === 'event' ? [f.event] : []));
  }

  get awarenessFrames(): Uint8Array[] {
    return this.decoded.flatMap((f) => (f.kind === 'awareness' ? [f.update] : []));
  }

  /** Publishes this client's presence, as the web app does with its `user` field. */
  publish(user: { name: string; role?: Role }): void {
    this.awareness.setLocalState({ user });
  }

  userName(clientId: number): string | undefined {
    return (this.awareness.getStates().get(clientId) as { user?: { name?: string } } | undefined)?.user?.name;
  }

  destroy(): void {
    this.destroyed = true;
    this.doc.destroy();
  }

  private receive(frame: Uint8Array): void {
    if (this.destroyed) return;
    this.frames.push(frame);
    const decoded = decodeClientFrame(frame);
    if (!decoded.ok) return;
    const message = decoded.value;
    switch (message.kind) {
      case 'sync-step1':
        this.send(encodeSyncStep2(Y.encodeStateAsUpdate(this.doc, message.stateVector)));
        return;
      case 'update':
        Y.applyUpdate(this.doc, message.update, FROM_RELAY);
        return;
      case 'awareness':
        awarenessProtocol.applyAwarenessUpdate(this.awareness, message.update, FROM_RELAY);
        return;
      default:
        return;
    }
  }
}

export interface AwarenessChange {
  added: number[];
  updated: number[];
  removed: number[];
}

export function rawEventFrame(value: unknown): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.RoomEvent);
  encoding.writeVarString(encoder, JSON.stringify(value));
  return encoding.toUint8Array(encoder);
}

/** An awareness update written entry by entry, so a test can make some entries bad. */
export function awarenessUpdate(entries: Array<{ clientId: number; clock: number; json: string }>, count = entries.length): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, count);
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.clientId);
    encoding.writeVarUint(encoder, entry.clock);
    encoding.writeVarString(encoder, entry.json);
  }
  return encoding.toUint8Array(encoder);
}

/** The client ids an awareness update carries. */
export function awarenessClientIds(update: Uint8Array): number[] {
  const decoder = decoding.createDecoder(update);
  const ids: number[] = [];
  for (let n = decoding.readVarUint(decoder); n > 0; n--) {
    ids.push(decoding.readVarUint(decoder));
    decoding.readVarUint(decoder);
    decoding.readVarString(decoder);
  }
  return ids;
}

/** Waits on a condition; the timeout only bounds a failure. */
export function until(check: () => boolean, what: string): Promise<void> {
  return vi.waitFor(
    () => {
      if (!check()) throw new Error(`still waiting for ${what}`);
    },
    { timeout: 5000, interval: 2 },
  );
}

export const execute = (runId: string, extra: Record<string, unknown> = {}) => ({
  type: 'execute-code',
  payload: { runId, language: 'python', code: 'print("hi")', ...extra },
});
export const output = (runId: string, text: string, stream: 'stdout' | 'stderr' = 'stdout'): RoomEvent => ({
  type: 'execution-output',
  payload: { runId, stream, text },
});
export const result = (runId: string): RoomEvent => ({
  type: 'execution-result',
  payload: { runId, output: 'hi\n', error: null, status: 'ok', durationMs: 5 },
});
export const stop = (runId: string): RoomEvent => ({ type: 'stop-execution', payload: { runId } });

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  event: string;
  fields: LogFields;
}

/** A logger that keeps what it is told, for tests that check what the relay reported. */
export function recordingLogger(entries: LogEntry[]): Logger {
  const at = (level: LogEntry['level']) => (event: string, fields: LogFields = {}) => void entries.push({ level, event, fields });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
