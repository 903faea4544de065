import { Limits, type OutputStream } from '../messages.js';

/** Where the sink's bytes go: the shared output pipe in the worker, an array in tests. */
export interface ByteWriter {
  write(stream: OutputStream, bytes: Uint8Array): boolean;
}

/** Output of one run is cut at this many bytes; the program keeps running. */
export const OUTPUT_LIMIT_BYTES = 1024 * 1024;

const NEWLINE = 0x0a;

/**
 * Pyodide's stdout/stderr `write` handlers land here. Per run it caps the
 * output (a runaway print loop must not fill the other participant's screen
 * and memory) and remembers the last, unterminated stdout line: that is the
 * prompt when the program then asks for input.
 */
export class OutputSink {
  readonly #writer: ByteWriter;
  readonly #limit: number;
  #written = 0;
  #truncated = false;
  /** stdout bytes after the last newline, at most Limits.promptLength of them. */
  #lineTail: Uint8Array = new Uint8Array(0);

  constructor(writer: ByteWriter, limit = OUTPUT_LIMIT_BYTES) {
    this.#writer = writer;
    this.#limit = limit;
  }

  startRun(): void {
    this.#written = 0;
    this.#truncated = false;
    this.#lineTail = new Uint8Array(0);
  }

  /** Pyodide's `write` contract: returns how many bytes were consumed, always all of them. */
  write(stream: OutputStream, bytes: Uint8Array): number {
    if (stream === 'stdout') this.#rememberTail(bytes);
    if (this.#truncated) return bytes.length;
    const room = this.#limit - this.#written;
    if (bytes.length <= room) {
      this.#written += bytes.length;
      this.#writer.write(stream, bytes);
      return bytes.length;
    }
    // Cut at a character boundary, so the cut text still decodes.
    let cut = room;
    while (cut > 0 && ((bytes[cut] ?? 0) & 0xc0) === 0x80) cut--;
    this.#writer.write(stream, bytes.subarray(0, cut));
    this.#written = this.#limit;
    this.#truncated = true;
    const notice = `\n[output truncated: this run printed more than ${Math.round(this.#limit / 1024)} KiB; the rest is not shown]\n`;
    this.#writer.write('stderr', new TextEncoder().encode(notice));
    return bytes.length;
  }

  /** The terminal moved to a new line without output (an input line was entered). */
  endLine(): void {
    this.#lineTail = new Uint8Array(0);
  }

  /** The unterminated last line of stdout: what `input(prompt)` just printed. */
  prompt(): string {
    return new TextDecoder().decode(this.#lineTail);
  }

  #rememberTail(bytes: Uint8Array): void {
    const newline = bytes.lastIndexOf(NEWLINE);
    const fresh = newline >= 0 ? bytes.subarray(newline + 1) : bytes;
    const base = newline >= 0 ? new Uint8Array(0) : this.#lineTail;
    const joined = new Uint8Array(base.length + fresh.length);
    joined.set(base);
    joined.set(fresh, base.length);
    // Keep the end of a very long line; a prompt is the text just before the cursor.
    this.#lineTail = joined.length > Limits.promptLength ? joined.slice(joined.length - Limits.promptLength) : joined;
  }
}
