/**
 * Writes of a room's record (runs, signals, attendance, the latest run)
 * that no participant waits on. Unlike a document update, losing one must
 * not take the room down: a failure is reported and the room goes on.
 * Unloading waits for the writes still pending, so a room loaded again
 * reads what this one wrote.
 */
export class RecordWrites {
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly report: (what: string, error: unknown) => void) {}

  /**
   * Starts `write` at once, or once `after` has settled when given, so that
   * writes about the same thing land in the order they were made whatever
   * the store's concurrency. The returned promise never rejects: it
   * resolves with the write's value, or undefined when it failed.
   */
  run<T>(what: string, write: () => Promise<T>, after?: Promise<unknown>): Promise<T | undefined> {
    const started = after ? after.then(write, write) : invoke(write);
    const done = started.then(
      (value) => value,
      (error: unknown) => {
        this.report(what, error);
        return undefined;
      },
    );
    this.pending.add(done);
    void done.finally(() => this.pending.delete(done));
    return done;
  }

  /** Resolves once every write started so far, and any they started, has settled. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}

/** Calls `write`, turning a synchronous throw into a rejection. */
function invoke<T>(write: () => Promise<T>): Promise<T> {
  try {
    return write();
  } catch (error) {
    return Promise.reject(error);
  }
}
