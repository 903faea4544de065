import type { OutputChunk } from '../messages.js';
import { HARNESS_FLUSH_CHARS, HARNESS_FLUSH_MS, OUTPUT_LIMIT_CHARS, TRUNCATION_NOTICE } from '../limits.js';

export interface OutputBatcherOptions {
  send(chunks: OutputChunk[]): void;
  schedule(callback: () => void, delayMs: number): () => void;
  limit?: number;
  flushMs?: number;
  flushChars?: number;
}

/**
 * Output of one run on its way to the page: chunks are coalesced (same
 * stream merged, order kept) and sent at most once per `flushMs` or per
 * `flushChars` characters. The harness enforces the output limit itself
 * (whatever the worker claims) and appends one notice when it cuts.
 */
export class OutputBatcher {
  private pending: OutputChunk[] = [];
  private pendingChars = 0;
  private total = 0;
  private truncated = false;
  private endsWithNewline = true;
  private cancelTimer: (() => void) | null = null;
  private readonly limit: number;
  private readonly flushMs: number;
  private readonly flushChars: number;

  constructor(private readonly options: OutputBatcherOptions) {
    this.limit = options.limit ?? OUTPUT_LIMIT_CHARS;
    this.flushMs = options.flushMs ?? HARNESS_FLUSH_MS;
    this.flushChars = options.flushChars ?? HARNESS_FLUSH_CHARS;
  }

  add(chunks: readonly OutputChunk[], truncatedAtSource = false): void {
    for (const chunk of chunks) {
      if (this.truncated) break;
      const room = this.limit - this.total;
      const text = chunk.text.length > room ? chunk.text.slice(0, room) : chunk.text;
      this.append(chunk.stream, text);
      this.total += text.length;
      if (text.length < chunk.text.length) this.truncate();
    }
    if (truncatedAtSource) this.truncate();
    if (this.pendingChars >= this.flushChars) this.flush();
    else if (this.pending.length > 0 && this.cancelTimer === null) {
      this.cancelTimer = this.options.schedule(() => {
        this.cancelTimer = null;
        this.flush();
      }, this.flushMs);
    }
  }

  flush(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
    if (this.pending.length === 0) return;
    const chunks = this.pending;
    this.pending = [];
    this.pendingChars = 0;
    this.options.send(chunks);
  }

  private append(stream: OutputChunk['stream'], text: string): void {
    if (text.length === 0) return;
    const last = this.pending[this.pending.length - 1];
    if (last !== undefined && last.stream === stream) last.text += text;
    else this.pending.push({ stream, text });
    this.pendingChars += text.length;
    this.endsWithNewline = text.endsWith('\n');
  }

  private truncate(): void {
    if (this.truncated) return;
    this.truncated = true;
    // Nothing is added after it: this notice is the run's last output.
    this.append('stderr', `${this.endsWithNewline ? '' : '\n'}${TRUNCATION_NOTICE}\n`);
  }
}
