import { decodePeerMessage, encodePeerMessage, type PeerMessage } from '../bus/peer-messages.js';
import { roomTopic, type RoomBus } from '../bus/room-bus.js';
import type { Logger } from '../log.js';

/** A peer message as published: the origin is filled in by `RoomPeers`. */
type WithoutOrigin<M> = M extends unknown ? Omit<M, 'origin'> : never;
export type OutgoingPeerMessage = WithoutOrigin<PeerMessage>;

export type PeerMessageHandler = (message: PeerMessage) => void;

/**
 * One room channel's link to the same channel on other relay instances.
 * It subscribes before the room reads storage, so that nothing published
 * between the read and the subscription is missed; messages that arrive
 * before the room is ready wait for it. Its own messages come back from
 * the bus and are dropped here.
 */
export class RoomPeers {
  private handler: PeerMessageHandler | null = null;
  private early: PeerMessage[] = [];
  private unsubscribe: (() => void) | null = null;
  private stopReconnect: (() => void) | null = null;
  private readonly topic: string;

  private constructor(
    private readonly bus: RoomBus | null,
    private readonly instanceId: string,
    private readonly context: { roomId: string; channel: string; logger: Logger },
  ) {
    this.topic = roomTopic(context.roomId, context.channel);
  }

  /** A room served by this instance alone. */
  static alone(roomId: string, channel: string, logger: Logger): RoomPeers {
    return new RoomPeers(null, '', { roomId, channel, logger });
  }

  static async join(bus: RoomBus, instanceId: string, roomId: string, channel: string, logger: Logger): Promise<RoomPeers> {
    const peers = new RoomPeers(bus, instanceId, { roomId, channel, logger });
    peers.unsubscribe = await bus.subscribe(peers.topic, peers.receive);
    return peers;
  }

  /** Whether anything published here can reach another instance. */
  get shared(): boolean {
    return this.bus !== null;
  }

  /** Starts handing messages to the room, the early ones first; `onReconnect` runs after each bus outage. */
  attach(handler: PeerMessageHandler, onReconnect: () => void): void {
    this.handler = handler;
    const early = this.early;
    this.early = [];
    for (const message of early) handler(message);
    if (this.bus) this.stopReconnect = this.bus.onReconnect(onReconnect);
  }

  publish(message: OutgoingPeerMessage): void {
    if (!this.bus) return;
    this.bus.publish(this.topic, encodePeerMessage({ ...message, origin: this.instanceId } as PeerMessage));
  }

  leave(): void {
    this.unsubscribe?.();
    this.stopReconnect?.();
    this.unsubscribe = this.stopReconnect = this.handler = null;
    this.early = [];
  }

  private readonly receive = (data: Uint8Array): void => {
    const decoded = decodePeerMessage(data);
    if (!decoded.ok) {
      this.context.logger.warn('peer-message-dropped', { roomId: this.context.roomId, channel: this.context.channel, reason: decoded.reason });
      return;
    }
    if (decoded.value.origin === this.instanceId) return;
    if (this.handler) this.handler(decoded.value);
    else this.early.push(decoded.value);
  };
}
