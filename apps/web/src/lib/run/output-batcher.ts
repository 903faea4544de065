export type OutputStream = 'stdout' | 'stderr';

export interface OutputBatcherOptions {
  /** Receives merged output, in order. */
  deliver(stream: OutputStream, text: string): void;
  /** Longest a chunk waits before it is delivered. */
  intervalMs?: number;
  /** A pending chunk this large is delivered at once. */
  maxChunkChars?: number;
  /** Total characters delivered per run; the rest is replaced by one notice. */
  maxTotalChars?: number;
  setTimer?: (callback: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

export const OUTPUT_TRUNCATED_NOTICE = '\n[output truncated: this run printed more than the output limit]\n';

/**
 * Coalesces a runner's output into few, ordered chunks, so a print storm
 * becomes a handful of messages on the socket and repaints on the page.
 * The first write after a quiet spell goes out at once (a lone print shows
 * instantly); writes after it wait at most `intervalMs`.
 */
export class OutputBatcher {
  readonly #options: Required<Omit<OutputBatcherOptions, 'deliver'>> & Pick<OutputBatcherOptions, 'deliver'>;
  #pending: Array<{ stream: OutputStream; text: string }> = [];
  #pendingChars = 0;
  #timer: unknown = null;
  #lastDelivery = -Infinity;
  #delivered = 0;
  #truncated = false;

  constructor(options: OutputBatcherOptions) {
    this.#options = {
      intervalMs: 16,
      maxChunkChars: 16 * 1024,
      maxTotalChars: 1024 * 1024,
      setTimer: (callback, ms) => setTimeout(callback, ms),
      clearTimer: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
      ...options,
    };
  }

  /** True once output past the limit was dropped. */
  get truncated(): boolean {
    return this.#truncated;
  }

  push(stream: OutputStream, text: string, now = performance.now()): void {
    if (this.#truncated || text === '') return;
    const room = this.#options.maxTotalChars - this.#delivered - this.#pendingChars;
    if (text.length > room) {
      if (room > 0) this.#append(stream, text.slice(0, room));
      this.#append('stderr', OUTPUT_TRUNCATED_NOTICE);
      this.#truncated = true;
      this.flush(now);
      return;
    }
    this.#append(stream, text);
    if (this.#pendingChars >= this.#options.maxChunkChars || now - this.#lastDelivery >= this.#options.intervalMs) {
      this.flush(now);
    } else if (this.#timer === null) {
      this.#timer = this.#options.setTimer(() => this.flush(), this.#options.intervalMs);
    }
  }

  /** Delivers everything pending now. */
  flush(now = performance.now()): void {
    if (this.#timer !== null) {
      this.#options.clearTimer(this.#timer);
      this.#timer = null;
    }
    const pending = this.#pending;
    if (pending.length === 0) return;
    this.#pending = [];
    this.#delivered += this.#pendingChars;
    this.#pendingChars = 0;
    this.#lastDelivery = now;
    for (const chunk of pending) this.#options.deliver(chunk.stream, chunk.text);
  }

  #append(stream: OutputStream, text: string): void {
    const last = this.#pending.at(-1);
    if (last && last.stream === stream) last.text += text;
    else this.#pending.push({ stream, text });
    this.#pendingChars += text.length;
  }
}
