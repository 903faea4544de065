import { Redis } from 'ioredis';
import { errorFields, type Logger } from '../log.js';
import type { BusState, RoomBus } from './room-bus.js';

type Handler = (message: Uint8Array) => void;

export interface RedisBusOptions {
  /** How long `connect` waits for Redis before the server starts without it (it keeps trying). */
  startTimeoutMs?: number;
}

/** Where the bus points, for logs: never the password. */
function describe(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return 'redis (unparsable URL)';
  }
}

/**
 * The bus over Redis pub/sub: one connection subscribes, one publishes
 * (a subscribed Redis connection can do nothing else). Nothing is queued
 * while Redis is away: a queue would grow without bound during an outage
 * and replay stale presence afterwards. Instead, every room reads what it
 * missed from storage once the bus is back (`onReconnect`).
 */
export class RedisBus implements RoomBus {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly topics = new Map<string, Set<Handler>>();
  private readonly reconnectListeners = new Set<() => void>();
  private subscriberReady = false;
  private publisherReady = false;
  private wasConnected = false;
  /** The current outage has been logged; cleared when the bus is back, so that each outage logs once. */
  private disconnectedLogged = false;
  private closing = false;
  /** Messages dropped because Redis was away, since the bus last came up. */
  private dropped = 0;
  private readonly where: string;

  private constructor(url: string, private readonly logger: Logger) {
    this.where = describe(url);
    const common = {
      enableOfflineQueue: false,
      autoResubscribe: false,
      maxRetriesPerRequest: 1,
      lazyConnect: true,
      // Keep trying for as long as the server runs; cap the wait so that fan-out resumes soon after Redis does.
      retryStrategy: (attempt: number) => Math.min(100 * attempt, 2000),
    };
    // Publishes made in one turn of the event loop (every room's updates of
    // that turn) leave in one write, in order, instead of one write each.
    this.publisher = new Redis(url, { ...common, connectionName: 'interview-room-publish', enableAutoPipelining: true });
    this.subscriber = new Redis(url, { ...common, connectionName: 'interview-room-subscribe' });
    this.subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => {
      const handlers = this.topics.get(channel.toString('utf8'));
      if (!handlers) return;
      const bytes = new Uint8Array(message.buffer, message.byteOffset, message.byteLength);
      for (const handler of handlers) handler(bytes);
    });
    this.subscriber.on('ready', () => void this.subscriberCameUp());
    this.publisher.on('ready', () => {
      this.publisherReady = true;
      this.maybeConnected();
    });
    for (const [connection, which] of [[this.subscriber, 'subscriber'], [this.publisher, 'publisher']] as const) {
      connection.on('close', () => {
        if (which === 'subscriber') this.subscriberReady = false;
        else this.publisherReady = false;
        this.maybeDisconnected();
      });
      // ioredis emits every failed attempt; the outage itself is logged once, in maybeDisconnected.
      connection.on('error', (error: unknown) => this.logger.debug('bus-error', { connection: which, ...errorFields(error) }));
    }
  }

  /** Connects, waiting a little for Redis; the server starts (degraded) if it is not there yet. */
  static async connect(url: string, logger: Logger, options: RedisBusOptions = {}): Promise<RedisBus> {
    const bus = new RedisBus(url, logger);
    const connected = new Promise<void>((resolve) => {
      const stop = bus.onReconnect(() => {
        stop();
        resolve();
      });
    });
    bus.publisher.connect().catch(() => {});
    bus.subscriber.connect().catch(() => {});
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, options.startTimeoutMs ?? 5000);
    });
    await Promise.race([connected, timedOut]);
    clearTimeout(timer);
    if (bus.state === 'disconnected') logger.warn('bus-disconnected', { bus: bus.where, reason: 'Redis did not answer at start; retrying' });
    return bus;
  }

  get state(): BusState {
    return this.subscriberReady && this.publisherReady ? 'connected' : 'disconnected';
  }

  async subscribe(topic: string, onMessage: Handler): Promise<() => void> {
    let handlers = this.topics.get(topic);
    if (!handlers) {
      this.topics.set(topic, (handlers = new Set()));
      if (this.subscriberReady) {
        try {
          await this.subscriber.subscribe(topic);
        } catch (error) {
          // Redis went away meanwhile: the reconnect subscribes every topic again, then rooms catch up.
          this.logger.debug('bus-subscribe-failed', { topic, ...errorFields(error) });
        }
      }
    }
    const handler: Handler = (message) => onMessage(message);
    handlers.add(handler);
    return () => {
      const current = this.topics.get(topic);
      if (!current?.delete(handler) || current.size > 0) return;
      this.topics.delete(topic);
      if (this.subscriberReady) this.subscriber.unsubscribe(topic).catch(() => {});
    };
  }

  publish(topic: string, message: Uint8Array): void {
    if (!this.publisherReady) {
      this.dropped++;
      return;
    }
    this.publisher.publish(topic, Buffer.from(message.buffer, message.byteOffset, message.byteLength)).catch(() => {
      this.dropped++;
    });
  }

  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closing = true;
    this.reconnectListeners.clear();
    this.topics.clear();
    await Promise.allSettled([this.publisher.quit(), this.subscriber.quit()]);
    this.publisher.disconnect();
    this.subscriber.disconnect();
  }

  private async subscriberCameUp(): Promise<void> {
    const topics = [...this.topics.keys()];
    try {
      if (topics.length > 0) await this.subscriber.subscribe(...topics);
    } catch (error) {
      // Lost again at once; the next 'ready' tries again.
      this.logger.debug('bus-subscribe-failed', { topics: topics.length, ...errorFields(error) });
      return;
    }
    this.subscriberReady = true;
    this.maybeConnected();
  }

  private maybeConnected(): void {
    if (this.state !== 'connected' || this.closing) return;
    const event = this.wasConnected ? 'bus-reconnected' : 'bus-connected';
    this.wasConnected = true;
    this.disconnectedLogged = false;
    this.logger.info(event, { bus: this.where, topics: this.topics.size, droppedWhileAway: this.dropped });
    this.dropped = 0;
    for (const listener of [...this.reconnectListeners]) listener();
  }

  private maybeDisconnected(): void {
    // Both connections close in one outage; log it once (before the first connection, `connect` logs instead).
    if (this.closing || !this.wasConnected || this.disconnectedLogged) return;
    this.disconnectedLogged = true;
    this.logger.warn('bus-disconnected', { bus: this.where, reason: 'lost the connection to Redis; rooms serve this instance only until it returns' });
  }
}
