import type { StockClient } from '../clients.js';
import type { Prng } from '../fuzz/prng.js';
import { markBoundaries, markText } from './marks.js';

/** Share of edits that delete one of the typist's own marks (when it has any left). */
const DELETE_SHARE = 0.2;

/**
 * One participant who keeps typing whatever happens to the server: its
 * stock client keeps its Y.Doc through every disconnection and sends what
 * the server lacks when it is back, as the web app does. Each edit inserts a
 * new mark at a random place between marks (marks.ts) or deletes one of its
 * own earlier marks, never anyone else's, so what must survive is known
 * exactly: every mark it inserted and did not delete.
 */
export class Typist {
  /** Edits made so far, online or not. */
  edits = 0;
  /** What went wrong inside the typing timer, reported by the test rather than thrown from a timer. */
  readonly failures: string[] = [];
  private readonly inserted: string[] = [];
  private readonly deleted = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    readonly client: StockClient,
    readonly author: string,
    private readonly rng: Prng,
  ) {}

  /** Marks it inserted and did not delete: each must be in the document exactly once. */
  get kept(): string[] {
    return this.inserted.filter((mark) => !this.deleted.has(mark));
  }

  /** Marks it deleted: none may come back. */
  get removed(): string[] {
    return [...this.deleted];
  }

  start(intervalMs: number): void {
    this.timer ??= setInterval(() => this.edit(), intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  edit(): void {
    const text = this.client.text;
    const current = text.toString();
    const kept = this.kept;
    if (kept.length > 0 && this.rng.chance(DELETE_SHARE)) {
      const mark = this.rng.pick(kept);
      const at = current.indexOf(mark);
      if (at < 0) {
        this.failures.push(`${this.author}: its own mark ${mark} is gone from its own document`);
        return;
      }
      text.delete(at, mark.length);
      this.deleted.add(mark);
    } else {
      const mark = markText(this.author, this.inserted.length);
      text.insert(this.rng.pick(markBoundaries(current)), mark);
      this.inserted.push(mark);
    }
    this.edits++;
  }
}
