import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { DOCUMENT_CHANNELS, type DocumentChannel } from '@interview/protocol';
import { REFUSAL_REASONS, type RefusalReason } from './refusal-reasons.js';
import { StorageMetrics } from './storage-metrics.js';

export interface RelayMetricsOptions {
  /**
   * How many rooms are loaded, read at each scrape: the relay need not
   * report every load and unload, and the figure cannot drift from the truth.
   */
  rooms: () => number;
  /**
   * Process and Node.js metrics (CPU, memory, event loop lag, GC), prefixed
   * `interview_`. On by default; tests that build many servers may turn it off.
   */
  processMetrics?: boolean;
}

/**
 * A counter fed by plain additions on the hot path and handed to
 * prom-client only when scraped: a frame costs two number additions, not a
 * trip through prom-client's label hashing.
 */
class Tally {
  private pending = 0;

  constructor(registry: Registry, name: string, help: string) {
    const tally = this;
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        if (tally.pending === 0) return;
        this.inc(tally.pending);
        tally.pending = 0;
      },
    });
  }

  add(amount: number): void {
    this.pending += amount;
  }
}

/**
 * The relay's metrics, in a registry of their own so that several servers
 * can live in one process (as they do in tests) without clashing in
 * prom-client's global one. The methods are what the relay calls as things
 * happen; what can be read when scraped (rooms loaded) is read then.
 */
export class RelayMetrics {
  readonly registry = new Registry();
  /** Latency and failures of storage calls; give it to a `MeasuredRoomStore`. */
  readonly storage: StorageMetrics;

  private readonly received: Tally;
  private readonly receivedBytes: Tally;
  private readonly sent: Tally;
  private readonly sentBytes: Tally;
  private readonly connections: Record<DocumentChannel, Gauge.Internal<'channel'>>;
  private readonly refusals: Record<RefusalReason, Counter.Internal>;
  private readonly roomsCreated: Counter;

  constructor(options: RelayMetricsOptions) {
    const registers = [this.registry];
    this.received = new Tally(this.registry, 'interview_messages_received_total', 'WebSocket messages received from participants.');
    this.receivedBytes = new Tally(this.registry, 'interview_messages_received_bytes_total', 'Bytes of the WebSocket messages received from participants.');
    this.sent = new Tally(this.registry, 'interview_messages_sent_total', 'WebSocket messages sent to participants (one per recipient).');
    this.sentBytes = new Tally(this.registry, 'interview_messages_sent_bytes_total', 'Bytes of the WebSocket messages sent to participants.');

    const connections = new Gauge({
      name: 'interview_connections',
      help: 'Open WebSocket connections, by document channel.',
      labelNames: ['channel'] as const,
      registers,
    });
    this.connections = {} as Record<DocumentChannel, Gauge.Internal<'channel'>>;
    for (const channel of DOCUMENT_CHANNELS) {
      this.connections[channel] = connections.labels(channel);
      // A channel nobody is on reads 0 rather than disappearing.
      this.connections[channel].set(0);
    }

    const refusals = new Counter({
      name: 'interview_refused_messages_total',
      help: 'Messages or connections the relay refused, by reason; each refusal closes the connection.',
      labelNames: ['reason'] as const,
      registers,
    });
    this.refusals = {} as Record<RefusalReason, Counter.Internal>;
    for (const reason of REFUSAL_REASONS) {
      this.refusals[reason] = refusals.labels(reason);
      this.refusals[reason].inc(0);
    }

    const { rooms } = options;
    new Gauge({
      name: 'interview_rooms',
      help: 'Rooms loaded in this instance, one per document channel of a room that someone has open.',
      registers,
      collect() {
        this.set(rooms());
      },
    });
    this.roomsCreated = new Counter({ name: 'interview_rooms_created_total', help: 'Rooms created through the HTTP API.', registers });

    this.storage = new StorageMetrics(this.registry);
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'interview_' });
  }

  /** A WebSocket message arrived, of `bytes` bytes, whether or not it is then accepted. */
  frameIn(bytes: number): void {
    this.received.add(1);
    this.receivedBytes.add(bytes);
  }

  /** A WebSocket message of `bytes` bytes was handed to one participant's socket. */
  frameOut(bytes: number): void {
    this.sent.add(1);
    this.sentBytes.add(bytes);
  }

  connectionOpened(channel: DocumentChannel): void {
    this.connections[channel].inc();
  }

  connectionClosed(channel: DocumentChannel): void {
    this.connections[channel].dec();
  }

  refused(reason: RefusalReason): void {
    this.refusals[reason].inc();
  }

  roomCreated(): void {
    this.roomsCreated.inc();
  }
}
