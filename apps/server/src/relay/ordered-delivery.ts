/**
 * Delivers messages in the order they were queued, each only once the
 * storage write it depends on is durable. This is what makes "stored
 * before relayed" hold without waiting when nothing is in flight.
 */
export class OrderedDelivery {
  private tail: Promise<void> = Promise.resolve();
  private inFlight = 0;

  /** Runs `deliver` with the write's result after it, and everything queued before it, completed. */
  after<T>(write: Promise<T>, deliver: (value: T) => void, onError: (error: unknown) => void): void {
    this.inFlight++;
    // The chain reaches `write` only after the writes before it; mark its
    // rejection handled now, or a write that fails while an earlier one is
    // still in flight is an unhandled rejection, which ends the process.
    write.catch(() => {});
    this.tail = this.tail
      .then(() => write)
      .then(deliver, onError)
      .finally(() => {
        this.inFlight--;
      });
  }

  /** Runs `deliver` now when nothing is in flight, else after what is. */
  whenDelivered(deliver: () => void): void {
    if (this.inFlight === 0) {
      deliver();
      return;
    }
    this.after(Promise.resolve(), deliver, () => {});
  }

  /** Resolves once everything queued so far has been delivered or failed. */
  drained(): Promise<void> {
    return this.tail;
  }
}
