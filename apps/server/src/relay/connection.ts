import type { Role } from '@interview/protocol';
import type { MessageRateLimit } from './message-rate-limit.js';

/**
 * The least a transport must offer the relay. The WebSocket adapter
 * implements it over `ws`; unit tests implement it in memory.
 */
export interface RelaySocket {
  send(data: Uint8Array): void;
  close(code: number, reason: string): void;
}

export interface Participant {
  /** Short random id for logs; never a token. */
  connectionId: string;
  role: Role;
  name: string;
}

/** One participant's socket inside a room, and the awareness client ids it controls. */
export class Connection {
  readonly awarenessClients = new Set<number>();
  closed = false;

  constructor(
    readonly socket: RelaySocket,
    readonly participant: Participant,
    /** The messages this participant may send that change something; unlimited when null. */
    readonly rate: MessageRateLimit | null = null,
  ) {}

  send(data: Uint8Array): void {
    if (!this.closed) this.socket.send(data);
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close(code, reason);
  }
}
