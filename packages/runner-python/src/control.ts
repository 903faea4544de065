/**
 * The shared-memory control block between the harness (iframe main thread)
 * and the worker. The worker blocks in Atomics.wait while Python waits for
 * input or sleeps; the harness, whose thread never runs user code, wakes it.
 *
 * The block lives between harness and worker only: a SharedArrayBuffer
 * cannot cross from the host page into the opaque-origin iframe (another
 * agent cluster; the post fails with `messageerror`), so the host asks the
 * harness by message and the harness writes the memory.
 */

/** Int32 slots of the control buffer. */
export const Slot = {
  /** Pyodide's interrupt buffer (setInterruptBuffer reads index 0): SIGINT when set. */
  interrupt: 0,
  /** 0 while the worker waits for a line, 1 once the harness has written one. */
  inputState: 1,
  /** Byte length of the line in the input buffer. */
  inputLength: 2,
} as const;

const CONTROL_SLOTS = 4;
/** Python's signal number for KeyboardInterrupt, as Pyodide expects it in the interrupt buffer. */
export const SIGINT = 2;
/** Room for the longest accepted line (16 Ki UTF-16 units → ≤ 48 KiB UTF-8) plus its newline. */
export const INPUT_BYTES = 64 * 1024;
/** Sleeps and waits re-check the interrupt flag at least this often, in case a notify is missed. */
const WAIT_SLICE_MS = 50;

export function createControlBuffers(): { control: SharedArrayBuffer; input: SharedArrayBuffer } {
  return {
    control: new SharedArrayBuffer(CONTROL_SLOTS * Int32Array.BYTES_PER_ELEMENT),
    input: new SharedArrayBuffer(INPUT_BYTES),
  };
}

// ---- harness side -----------------------------------------------------------

/** Raises KeyboardInterrupt at the worker's next bytecode, and wakes it if it sleeps or waits for input. */
export function requestInterrupt(control: Int32Array): void {
  Atomics.store(control, Slot.interrupt, SIGINT);
  Atomics.notify(control, Slot.interrupt);
  Atomics.notify(control, Slot.inputState);
}

/** Hands one line (a newline is added) to a worker blocked in `waitForLine`; cut to INPUT_BYTES. */
export function provideLine(control: Int32Array, input: Uint8Array, text: string): void {
  const encoded = new TextEncoder().encode(`${text}\n`);
  let length = Math.min(encoded.length, input.length);
  // Never cut inside a UTF-8 sequence: back off to the start of the last character.
  if (length < encoded.length) while (length > 0 && ((encoded[length] ?? 0) & 0xc0) === 0x80) length--;
  input.set(encoded.subarray(0, length));
  Atomics.store(control, Slot.inputLength, length);
  Atomics.store(control, Slot.inputState, 1);
  Atomics.notify(control, Slot.inputState);
}

// ---- worker side ------------------------------------------------------------

export function isInterruptRequested(control: Int32Array): boolean {
  return Atomics.load(control, Slot.interrupt) !== 0;
}

/** A new run must not inherit an interrupt that arrived after the previous one had finished. */
export function resetForRun(control: Int32Array): void {
  Atomics.store(control, Slot.interrupt, 0);
  Atomics.store(control, Slot.inputState, 0);
  Atomics.store(control, Slot.inputLength, 0);
}

/**
 * Blocks until the harness provides a line, and returns its bytes; returns
 * null as soon as an interrupt is requested instead.
 */
export function waitForLine(control: Int32Array, input: Uint8Array): Uint8Array | null {
  for (;;) {
    if (isInterruptRequested(control)) return null;
    if (Atomics.load(control, Slot.inputState) === 1) {
      const length = Atomics.load(control, Slot.inputLength);
      const line = input.slice(0, length);
      Atomics.store(control, Slot.inputState, 0);
      return line;
    }
    Atomics.wait(control, Slot.inputState, 0, WAIT_SLICE_MS);
  }
}

/**
 * Sleeps for `ms` unless an interrupt is requested first. Returns false when
 * interrupted. Python's own time.sleep cannot be interrupted in Pyodide: it
 * finishes and the interrupt then lands where the run can no longer settle.
 */
export function interruptibleSleep(control: Int32Array, ms: number, now: () => number = () => performance.now()): boolean {
  const deadline = now() + ms;
  for (;;) {
    if (isInterruptRequested(control)) return false;
    const left = deadline - now();
    if (left <= 0) return true;
    Atomics.wait(control, Slot.interrupt, 0, Math.min(left, WAIT_SLICE_MS));
  }
}
