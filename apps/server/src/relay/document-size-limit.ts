export interface DocumentSizeLimitOptions {
  maxBytes: number;
  /** The document's exact encoded size; costs a full encode, so it is called sparingly. */
  measure: () => number;
  /** Bytes the document is known to hold at most when the limit starts watching it. */
  initialEstimate: number;
  /** Milliseconds; the system clock when absent. */
  now?: () => number;
}

/** Least time between two measurements that only deletions since the last one justify. */
const REMEASURE_AFTER_DELETIONS_MS = 1_000;

/**
 * Keeps a room's document under a size limit without encoding it on every
 * update. It keeps an estimate (the last measurement plus the length of
 * every update applied since, which is about what each adds to the
 * encoding, usually more) and measures the document only when the estimate
 * says an update would not fit. Measuring is bounded, so a
 * participant cannot make the relay encode a large document over and over:
 * again only after a sixteenth of the limit has been added since, or, when
 * content was deleted since (a document at its limit must be able to
 * shrink and take edits again), at most once a second.
 */
export class DocumentSizeLimit {
  private estimate: number;
  private measuredAt: number | null = null;
  private addedSinceMeasure = 0;
  private deletedSinceMeasure = false;
  private readonly now: () => number;

  constructor(private readonly options: DocumentSizeLimitOptions) {
    this.estimate = options.initialEstimate;
    this.now = options.now ?? Date.now;
  }

  get maxBytes(): number {
    return this.options.maxBytes;
  }

  /** Whether an update of `bytes` that adds content may be applied. */
  admits(bytes: number): boolean {
    if (this.estimate + bytes <= this.options.maxBytes) return true;
    if (!this.mayMeasure()) return false;
    this.estimate = this.options.measure();
    this.measuredAt = this.now();
    this.addedSinceMeasure = 0;
    this.deletedSinceMeasure = false;
    return this.estimate + bytes <= this.options.maxBytes;
  }

  /** An update of `bytes` was applied to the document. */
  grew(bytes: number): void {
    this.estimate += bytes;
    this.addedSinceMeasure += bytes;
  }

  /** An update that only deletes was applied: the document may be smaller than the estimate says. */
  shrank(): void {
    this.deletedSinceMeasure = true;
  }

  private mayMeasure(): boolean {
    if (this.measuredAt === null) return true;
    if (this.addedSinceMeasure >= this.options.maxBytes / 16) return true;
    return this.deletedSinceMeasure && this.now() - this.measuredAt >= REMEASURE_AFTER_DELETIONS_MS;
  }
}
