export interface MessageRateLimitOptions {
  /** Messages per second a connection may keep up. */
  perSecond: number;
  /** Seconds' worth of messages that may come at once, after a quiet spell. */
  burstSeconds?: number;
  /** Milliseconds; the system clock when absent. */
  now?: () => number;
}

/**
 * A token bucket for one connection's messages. A person typing, moving
 * their cursor and streaming a run's output stays far below the rate; a
 * reconnect that sends its state, presence and queries at once fits in the
 * burst. A client that floods is told apart from both.
 */
export class MessageRateLimit {
  private tokens: number;
  private readonly capacity: number;
  private last: number;
  private readonly now: () => number;

  constructor(private readonly options: MessageRateLimitOptions) {
    if (!(options.perSecond > 0)) throw new RangeError(`perSecond must be positive, got ${options.perSecond}`);
    this.capacity = options.perSecond * (options.burstSeconds ?? 2);
    this.tokens = this.capacity;
    this.now = options.now ?? Date.now;
    this.last = this.now();
  }

  get perSecond(): number {
    return this.options.perSecond;
  }

  /** Takes one message's token; false when the connection is over its rate. */
  take(): boolean {
    const now = this.now();
    if (now > this.last) {
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.options.perSecond);
      this.last = now;
    }
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
