export interface FailedAttemptLimitOptions {
  /** Failures allowed per client within `windowMs`; the next attempt is refused. */
  maxFailures: number;
  windowMs: number;
  /** Milliseconds since the epoch; the system clock when absent. */
  now?: () => number;
}

/**
 * Limits wrong guesses of a shared secret per client (a sliding window of
 * failure times per key), so the interviewer passcode cannot be guessed at
 * the speed of the network. Only failures count: a client that knows the
 * passcode is never slowed down unless it first failed as often as a guesser.
 */
export class FailedAttemptLimit {
  private readonly failures = new Map<string, number[]>();
  private readonly now: () => number;
  private lastSweep: number;

  constructor(private readonly options: FailedAttemptLimitOptions) {
    if (!Number.isInteger(options.maxFailures) || options.maxFailures < 1) {
      throw new RangeError(`maxFailures must be a positive integer, got ${options.maxFailures}`);
    }
    if (!(options.windowMs > 0)) throw new RangeError(`windowMs must be positive, got ${options.windowMs}`);
    this.now = options.now ?? Date.now;
    this.lastSweep = this.now();
  }

  /** Milliseconds until `key` may try again; 0 when it may now. */
  retryAfterMs(key: string): number {
    const recent = this.recent(key, this.now());
    if (recent.length < this.options.maxFailures) return 0;
    // Free again once enough of its failures have left the window.
    const freedBy = recent[recent.length - this.options.maxFailures]!;
    return Math.max(1, freedBy + this.options.windowMs - this.now());
  }

  recordFailure(key: string): void {
    const now = this.now();
    const recent = this.recent(key, now);
    recent.push(now);
    // Only the latest maxFailures matter to the limit.
    this.failures.set(key, recent.slice(-this.options.maxFailures));
    this.sweep(now);
  }

  /** Clients with failures inside the window; for tests and metrics. */
  get trackedClients(): number {
    return this.failures.size;
  }

  private recent(key: string, now: number): number[] {
    const since = now - this.options.windowMs;
    const recent = (this.failures.get(key) ?? []).filter((at) => at > since);
    if (recent.length === 0) this.failures.delete(key);
    return recent;
  }

  /** Forgets clients whose failures have all left the window, so memory stays bounded by recent guessers. */
  private sweep(now: number): void {
    if (now - this.lastSweep < this.options.windowMs) return;
    this.lastSweep = now;
    const since = now - this.options.windowMs;
    for (const [key, times] of this.failures) {
      if (times.every((at) => at <= since)) this.failures.delete(key);
    }
  }
}
