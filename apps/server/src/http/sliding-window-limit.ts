export interface SlidingWindowLimitOptions {
  /** Events allowed per key within `windowMs`; the next one is refused. */
  maxEvents: number;
  windowMs: number;
  /** Milliseconds since the epoch; the system clock when absent. */
  now?: () => number;
}

/**
 * Limits how often something happens per key (a client address) in a
 * sliding window of event times: wrong guesses of the interviewer passcode,
 * rooms created. The caller decides what counts, e.g. only failures, so a
 * client that knows the passcode is never slowed down.
 */
export class SlidingWindowLimit {
  private readonly events = new Map<string, number[]>();
  private readonly now: () => number;
  private lastSweep: number;

  constructor(private readonly options: SlidingWindowLimitOptions) {
    if (!Number.isInteger(options.maxEvents) || options.maxEvents < 1) {
      throw new RangeError(`maxEvents must be a positive integer, got ${options.maxEvents}`);
    }
    if (!(options.windowMs > 0)) throw new RangeError(`windowMs must be positive, got ${options.windowMs}`);
    this.now = options.now ?? Date.now;
    this.lastSweep = this.now();
  }

  /** Milliseconds until `key` may try again; 0 when it may now. */
  retryAfterMs(key: string): number {
    const recent = this.recent(key, this.now());
    if (recent.length < this.options.maxEvents) return 0;
    // Free again once enough of its events have left the window.
    const freedBy = recent[recent.length - this.options.maxEvents]!;
    return Math.max(1, freedBy + this.options.windowMs - this.now());
  }

  record(key: string): void {
    const now = this.now();
    const recent = this.recent(key, now);
    recent.push(now);
    // Only the latest maxEvents matter to the limit.
    this.events.set(key, recent.slice(-this.options.maxEvents));
    this.sweep(now);
  }

  /** Keys with events inside the window; for tests and metrics. */
  get trackedClients(): number {
    return this.events.size;
  }

  private recent(key: string, now: number): number[] {
    const since = now - this.options.windowMs;
    const recent = (this.events.get(key) ?? []).filter((at) => at > since);
    if (recent.length === 0) this.events.delete(key);
    return recent;
  }

  /** Forgets keys whose events have all left the window, so memory stays bounded by recent clients. */
  private sweep(now: number): void {
    if (now - this.lastSweep < this.options.windowMs) return;
    this.lastSweep = now;
    const since = now - this.options.windowMs;
    for (const [key, times] of this.events) {
      if (times.every((at) => at <= since)) this.events.delete(key);
    }
  }
}
