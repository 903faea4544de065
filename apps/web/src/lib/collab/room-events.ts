import type { Decoder } from 'lib0/decoding';
import type { Encoder } from 'lib0/encoding';
import type { WebsocketProvider } from 'y-websocket';
import {
  encodeRoomEvent,
  MessageType,
  readRoomEvent,
  validateRoomEvent,
  type RoomEvent,
  type RoomEventType,
} from '@interview/protocol';
import { reportError } from '../report.js';

/** The part of the provider the channel needs; tests pass a stand-in. */
export type RoomEventHost = Pick<WebsocketProvider, 'messageHandlers' | 'ws' | 'wsconnected'>;

type Listener = (event: RoomEvent) => void;
type EventOf<T extends RoomEventType> = Extract<RoomEvent, { type: T }>;

const OPEN = 1; // WebSocket.OPEN, without relying on the global in tests

/**
 * Room events (runs, output, stops) on the provider's own socket, as frames
 * of type MessageType.RoomEvent beside the Yjs sync and awareness frames.
 */
export class RoomEventChannel {
  readonly #host: RoomEventHost;
  readonly #listeners = new Set<Listener>();

  constructor(host: RoomEventHost) {
    this.#host = host;
    host.messageHandlers[MessageType.RoomEvent] = (_encoder: Encoder, decoder: Decoder) => this.#receive(decoder);
  }

  #receive(decoder: Decoder): void {
    const result = readRoomEvent(decoder);
    if (!result.ok) {
      reportError('ignored a malformed room event from the server', result.reason);
      return;
    }
    for (const listener of [...this.#listeners]) {
      try {
        listener(result.value);
      } catch (error) {
        // One failing listener must not starve the others or break the socket loop.
        reportError(`room event listener failed on "${result.value.type}"`, error);
      }
    }
  }

  /** Sends an event; false when not connected (room events are live only, never queued). */
  send(event: RoomEvent): boolean {
    const checked = validateRoomEvent(event);
    if (!checked.ok) throw new RangeError(`refusing to send an invalid "${event.type}" event: ${checked.reason}`);
    const socket = this.#host.ws;
    if (!this.#host.wsconnected || socket === null || socket.readyState !== OPEN) return false;
    socket.send(encodeRoomEvent(checked.value));
    return true;
  }

  /** Every event, in arrival order. Returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Events of one type only. */
  on<T extends RoomEventType>(type: T, listener: (event: EventOf<T>) => void): () => void {
    return this.subscribe((event) => {
      if (event.type === type) listener(event as EventOf<T>);
    });
  }

  destroy(): void {
    this.#listeners.clear();
    delete this.#host.messageHandlers[MessageType.RoomEvent];
  }
}
