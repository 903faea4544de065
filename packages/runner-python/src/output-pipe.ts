import type { OutputChunk, OutputStream } from './messages.js';

/**
 * Program output travels from the worker to the harness through a ring
 * buffer in shared memory, not as one message per write:
 *
 * - the worker cannot run timers while Python runs, so it could not flush a
 *   batch on time; the harness can: it drains the ring every ~16 ms, which
 *   bounds the messages a print storm causes;
 * - a full ring blocks the writer (like a pipe), so a storm is throttled
 *   instead of queueing unbounded memory.
 *
 * Records are `[stream: u8][length: u32 LE][bytes]`, so stdout and stderr
 * keep their relative order. Positions are free-running u32 counters; the
 * byte at counter `p` lives at `p % capacity`.
 */

const HEADER_SLOTS = 2;
const WRITE = 0;
const READ = 1;
const RECORD_HEADER = 5;
const STREAM_CODE: Record<OutputStream, number> = { stdout: 1, stderr: 2 };
/** Power of two, so the u32 counters wrap consistently with the ring. */
export const DEFAULT_PIPE_CAPACITY = 256 * 1024;

export function createPipeBuffer(capacity = DEFAULT_PIPE_CAPACITY): SharedArrayBuffer {
  if (capacity < 64 || (capacity & (capacity - 1)) !== 0) {
    throw new RangeError(`output pipe capacity must be a power of two ≥ 64, got ${capacity}`);
  }
  return new SharedArrayBuffer(HEADER_SLOTS * 4 + capacity);
}

function views(buffer: SharedArrayBuffer): { header: Int32Array; ring: Uint8Array } {
  return { header: new Int32Array(buffer, 0, HEADER_SLOTS), ring: new Uint8Array(buffer, HEADER_SLOTS * 4) };
}

export interface PipeWriterOptions {
  /** How long to wait for the reader before checking `shouldGiveUp` again. */
  waitSliceMs?: number;
  /** Called while the ring is full; true drops the rest of this write (e.g. a Stop was requested). */
  shouldGiveUp?: () => boolean;
}

/** The worker's end. Only one writer per pipe. */
export class PipeWriter {
  readonly #header: Int32Array;
  readonly #ring: Uint8Array;
  readonly #capacity: number;
  readonly #waitSliceMs: number;
  readonly #shouldGiveUp: () => boolean;

  constructor(buffer: SharedArrayBuffer, options: PipeWriterOptions = {}) {
    const { header, ring } = views(buffer);
    this.#header = header;
    this.#ring = ring;
    this.#capacity = ring.length;
    this.#waitSliceMs = options.waitSliceMs ?? 50;
    this.#shouldGiveUp = options.shouldGiveUp ?? (() => false);
  }

  /** Appends `bytes`; blocks while the ring is full. Returns false if the write was given up. */
  write(stream: OutputStream, bytes: Uint8Array): boolean {
    const maxPayload = this.#capacity - RECORD_HEADER;
    for (let offset = 0; offset < bytes.length; offset += maxPayload) {
      const part = bytes.subarray(offset, offset + maxPayload);
      if (!this.#waitForSpace(RECORD_HEADER + part.length)) return false;
      this.#append(STREAM_CODE[stream], part);
    }
    return true;
  }

  #waitForSpace(needed: number): boolean {
    for (;;) {
      const read = Atomics.load(this.#header, READ);
      const used = (Atomics.load(this.#header, WRITE) - read) >>> 0;
      if (this.#capacity - used >= needed) return true;
      if (this.#shouldGiveUp()) return false;
      Atomics.wait(this.#header, READ, read, this.#waitSliceMs);
    }
  }

  #append(code: number, payload: Uint8Array): void {
    const start = Atomics.load(this.#header, WRITE) >>> 0;
    const length = payload.length;
    const head = [code, length & 0xff, (length >>> 8) & 0xff, (length >>> 16) & 0xff, (length >>> 24) & 0xff];
    head.forEach((byte, i) => {
      this.#ring[(start + i) % this.#capacity] = byte;
    });
    const at = (start + RECORD_HEADER) % this.#capacity;
    const first = Math.min(length, this.#capacity - at);
    this.#ring.set(payload.subarray(0, first), at);
    this.#ring.set(payload.subarray(first), 0);
    // Publishing the new write position last makes the record visible whole.
    Atomics.store(this.#header, WRITE, (start + RECORD_HEADER + length) | 0);
  }
}

/** The harness's end: turns whatever has been written into text chunks. */
export class PipeReader {
  readonly #header: Int32Array;
  readonly #ring: Uint8Array;
  readonly #capacity: number;
  readonly #decoders: Record<OutputStream, TextDecoder> = {
    stdout: new TextDecoder(),
    stderr: new TextDecoder(),
  };

  constructor(buffer: SharedArrayBuffer) {
    const { header, ring } = views(buffer);
    this.#header = header;
    this.#ring = ring;
    this.#capacity = ring.length;
  }

  /**
   * Everything written since the last drain, adjacent chunks of one stream
   * merged. A UTF-8 sequence split across writes is held back until complete.
   */
  drain(): OutputChunk[] {
    const chunks: OutputChunk[] = [];
    let read = Atomics.load(this.#header, READ) >>> 0;
    const write = Atomics.load(this.#header, WRITE) >>> 0;
    while (read !== write) {
      const code = this.#byte(read);
      const length = this.#byte(read + 1) | (this.#byte(read + 2) << 8) | (this.#byte(read + 3) << 16) | (this.#byte(read + 4) << 24);
      const stream: OutputStream = code === STREAM_CODE.stderr ? 'stderr' : 'stdout';
      const text = this.#decoders[stream].decode(this.#bytes(read + RECORD_HEADER, length >>> 0), { stream: true });
      if (text) {
        const last = chunks.at(-1);
        if (last && last.stream === stream) last.text += text;
        else chunks.push({ stream, text });
      }
      read = (read + RECORD_HEADER + (length >>> 0)) >>> 0;
    }
    Atomics.store(this.#header, READ, read | 0);
    Atomics.notify(this.#header, READ);
    return chunks;
  }

  /** Forgets a partial character left over by a run that was cut off. */
  resetDecoders(): void {
    this.#decoders.stdout = new TextDecoder();
    this.#decoders.stderr = new TextDecoder();
  }

  #byte(position: number): number {
    return this.#ring[(position >>> 0) % this.#capacity] ?? 0;
  }

  #bytes(position: number, length: number): Uint8Array {
    const at = (position >>> 0) % this.#capacity;
    const first = Math.min(length, this.#capacity - at);
    // TextDecoder refuses views of shared memory, so copy out.
    const out = new Uint8Array(length);
    out.set(this.#ring.subarray(at, at + first));
    out.set(this.#ring.subarray(0, length - first), first);
    return out;
  }
}
