import type { OutputChunk, OutputStream } from '../messages.js';
import { WORKER_FLUSH_CHARS, WORKER_IMMEDIATE_POSTS_PER_WINDOW, WORKER_WINDOW_MS } from '../limits.js';

export interface OutputChannelOptions {
  /** Characters accepted in total; later writes are dropped and reported as truncated. */
  limit: number;
  post(chunks: OutputChunk[], truncated: boolean): void;
  now(): number;
  /** A timer the user's program cannot see or keep the run alive with. */
  schedule(callback: () => void, delayMs: number): void;
  windowMs?: number;
  immediatePostsPerWindow?: number;
  flushChars?: number;
}

/**
 * Console output on its way out of the worker. Writes are posted at once
 * until a window's budget of posts is spent, then coalesced until the next
 * window: a program that prints a few lines and then loops forever still
 * shows them, and a print storm costs a bounded number of messages.
 */
export class OutputChannel {
  private pending: OutputChunk[] = [];
  private pendingChars = 0;
  private total = 0;
  private truncated = false;
  private truncationPosted = false;
  private closed = false;
  private windowStart = -Infinity;
  private postsInWindow = 0;
  private timerPending = false;
  private readonly windowMs: number;
  private readonly immediatePosts: number;
  private readonly flushChars: number;

  constructor(private readonly options: OutputChannelOptions) {
    this.windowMs = options.windowMs ?? WORKER_WINDOW_MS;
    this.immediatePosts = options.immediatePostsPerWindow ?? WORKER_IMMEDIATE_POSTS_PER_WINDOW;
    this.flushChars = options.flushChars ?? WORKER_FLUSH_CHARS;
  }

  /** False once nothing more will be sent: callers can skip formatting. */
  get accepting(): boolean {
    return !this.truncated && !this.closed;
  }

  write(stream: OutputStream, text: string): void {
    if (!this.accepting) return;
    const room = this.options.limit - this.total;
    if (text.length > room) {
      text = text.slice(0, room);
      this.truncated = true;
    }
    this.total += text.length;
    if (text.length > 0) {
      const last = this.pending[this.pending.length - 1];
      if (last !== undefined && last.stream === stream) last.text += text;
      else this.pending.push({ stream, text });
      this.pendingChars += text.length;
    }
    if (this.truncated) {
      this.flush();
      return;
    }
    const now = this.options.now();
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.postsInWindow = 0;
    }
    if (this.postsInWindow < this.immediatePosts || this.pendingChars >= this.flushChars) {
      this.flush();
    } else if (!this.timerPending) {
      this.timerPending = true;
      this.options.schedule(() => {
        this.timerPending = false;
        this.flush();
      }, Math.max(0, this.windowStart + this.windowMs - now));
    }
  }

  /** Sends whatever is pending now (before the run reports its end). */
  flush(): void {
    const reportTruncation = this.truncated && !this.truncationPosted;
    if (this.pending.length === 0 && !reportTruncation) return;
    const chunks = this.pending;
    this.pending = [];
    this.pendingChars = 0;
    this.postsInWindow++;
    if (reportTruncation) this.truncationPosted = true;
    this.options.post(chunks, this.truncated);
  }

  /** Flushes and refuses later writes. */
  close(): void {
    this.flush();
    this.closed = true;
  }
}
