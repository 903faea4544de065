export interface PresenceMemoryOptions {
  /** The Awareness's per-client-id record of the last clock it saw. */
  meta: Map<number, unknown>;
  /** Whether a client id has a presence in the room now. */
  present: (clientId: number) => boolean;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** How long the clock of a departed presence is kept. */
  forgetAfterMs?: number;
  /** Departed presences remembered at most; past it, the oldest are forgotten first. */
  maxRemembered?: number;
}

/**
 * Longer than clients keep a presence they stopped hearing from (y-protocols
 * drops it after 30 s), so that no client still holds one to echo back.
 */
const FORGET_AFTER_MS = 60_000;
const MAX_REMEMBERED = 4096;

/**
 * Bounds what the room's Awareness remembers of presences. Awareness keeps
 * the last clock of every client id it ever heard of, so that a stale echo
 * (the stock client re-sends every presence it hears, departed ones
 * included) cannot bring a departed presence back. Kept forever, that is
 * memory any participant could grow without end by announcing new ids. A
 * departed id's clock is kept for FORGET_AFTER_MS, then forgotten; an id
 * heard of only as departed, and never present, is forgotten at once.
 */
export class PresenceMemory {
  private readonly departedAt = new Map<number, number>();
  private readonly forgetAfterMs: number;
  private readonly maxRemembered: number;

  constructor(private readonly options: PresenceMemoryOptions) {
    this.forgetAfterMs = options.forgetAfterMs ?? FORGET_AFTER_MS;
    this.maxRemembered = options.maxRemembered ?? MAX_REMEMBERED;
  }

  /** Departed presences whose clocks are still kept. */
  get remembered(): number {
    return this.departedAt.size;
  }

  departed(clientIds: readonly number[]): void {
    const now = this.options.now();
    for (const id of clientIds) {
      // Re-inserted, so the map stays in order of departure.
      this.departedAt.delete(id);
      this.departedAt.set(id, now);
    }
    this.sweep(now);
  }

  returned(clientIds: readonly number[]): void {
    for (const id of clientIds) this.departedAt.delete(id);
  }

  /** After an update was applied: ids it named that are neither present nor departed leave no trace. */
  settle(clientIds: readonly number[]): void {
    for (const id of clientIds) {
      if (!this.options.present(id) && !this.departedAt.has(id)) this.options.meta.delete(id);
    }
    this.sweep(this.options.now());
  }

  private sweep(now: number): void {
    const cutoff = now - this.forgetAfterMs;
    for (const [id, at] of this.departedAt) {
      if (at > cutoff && this.departedAt.size <= this.maxRemembered) return;
      this.departedAt.delete(id);
      if (!this.options.present(id)) this.options.meta.delete(id);
    }
  }
}
