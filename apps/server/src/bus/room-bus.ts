/**
 * How relay instances that serve the same room reach each other. Without
 * one, an instance serves its rooms alone (one machine, the default);
 * with Redis, every instance hears what the others relay.
 */
export interface RoomBus {
  /** `connected` while messages flow; `disconnected` while the bus is unreachable (they are lost, not queued). */
  readonly state: BusState;
  /**
   * Starts hearing a topic. Resolves once the subscription is in place, so
   * that every message published after that is delivered; while the bus is
   * down it resolves at once and the subscription is made on reconnect.
   * The returned function stops hearing it.
   */
  subscribe(topic: string, onMessage: (message: Uint8Array) => void): Promise<() => void>;
  /** Best effort: a message published while the bus is down is dropped (rooms catch up from storage on reconnect). */
  publish(topic: string, message: Uint8Array): void;
  /** Called every time the bus comes back after an outage, once subscriptions are restored. */
  onReconnect(listener: () => void): () => void;
  close(): Promise<void>;
}

export type BusState = 'connected' | 'disconnected';

/** A room channel's topic: each (room, document channel) is fanned out on its own. */
export function roomTopic(roomId: string, channel: string): string {
  return `interview-room:${roomId}/${channel}`;
}
