import type { RoomBus } from './room-bus.js';

/**
 * A bus between relay registries in one process, as Redis is between
 * processes: what one publishes, every subscriber of the topic hears, the
 * publisher included, asynchronously. Tests use it to run several
 * "instances" side by side; `disconnect`/`reconnect` simulate an outage.
 */
export class InProcessBusNetwork {
  private readonly topics = new Map<string, Set<(message: Uint8Array) => void>>();
  private readonly buses = new Set<InProcessBus>();

  /** One instance's connection to the network. */
  connect(): InProcessBus {
    const bus = new InProcessBus(this);
    this.buses.add(bus);
    return bus;
  }

  /** @internal */
  deliver(topic: string, message: Uint8Array): void {
    for (const handler of this.topics.get(topic) ?? []) {
      queueMicrotask(() => handler(message.slice()));
    }
  }

  /** @internal */
  add(topic: string, handler: (message: Uint8Array) => void): void {
    let handlers = this.topics.get(topic);
    if (!handlers) this.topics.set(topic, (handlers = new Set()));
    handlers.add(handler);
  }

  /** @internal */
  remove(topic: string, handler: (message: Uint8Array) => void): void {
    this.topics.get(topic)?.delete(handler);
  }
}

export class InProcessBus implements RoomBus {
  state: 'connected' | 'disconnected' = 'connected';
  private readonly subscriptions = new Map<(message: Uint8Array) => void, string>();
  private readonly reconnectListeners = new Set<() => void>();

  constructor(private readonly network: InProcessBusNetwork) {}

  async subscribe(topic: string, onMessage: (message: Uint8Array) => void): Promise<() => void> {
    const handler = (message: Uint8Array) => onMessage(message);
    this.subscriptions.set(handler, topic);
    if (this.state === 'connected') this.network.add(topic, handler);
    return () => {
      this.subscriptions.delete(handler);
      this.network.remove(topic, handler);
    };
  }

  publish(topic: string, message: Uint8Array): void {
    if (this.state === 'connected') this.network.deliver(topic, message);
  }

  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  /** The bus drops: nothing is heard or sent until `reconnect`. */
  disconnect(): void {
    this.state = 'disconnected';
    for (const [handler, topic] of this.subscriptions) this.network.remove(topic, handler);
  }

  reconnect(): void {
    this.state = 'connected';
    for (const [handler, topic] of this.subscriptions) this.network.add(topic, handler);
    for (const listener of this.reconnectListeners) listener();
  }

  async close(): Promise<void> {
    this.disconnect();
    this.subscriptions.clear();
  }
}
