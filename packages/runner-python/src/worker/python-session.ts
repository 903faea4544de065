import type { PyodideAPI } from 'pyodide';
import type { PyProxy } from 'pyodide/ffi';
import { interruptibleSleep, isInterruptRequested, resetForRun, Slot, waitForLine } from '../control.js';
import type { SharedChannels, WorkerRunResult } from '../messages.js';
import { PipeWriter } from '../output-pipe.js';
import { cleanTraceback, DRIVER_FILE, USER_FILE } from '../traceback.js';
import DRIVER_SOURCE from './driver.py?raw';
import { OutputSink } from './output-sink.js';

/** What driver.py's `run` reports, as JSON. */
interface DriverResult {
  status: 'ok' | 'error' | 'interrupted';
  traceback?: string[];
  message?: string;
}

/** driver.run, called through `callPromising` so that asyncio.run() can suspend on the JS event loop (JSPI). */
type RunFunction = PyProxy & { callPromising(code: string): Promise<string> };

/**
 * One Pyodide interpreter wired to the sandbox: output into the shared pipe,
 * input and sleep through shared memory, interrupts through Pyodide's
 * interrupt buffer. Runs one program at a time.
 */
export class PythonSession {
  readonly #pyodide: PyodideAPI;
  readonly #control: Int32Array;
  readonly #input: Uint8Array;
  readonly #sink: OutputSink;
  readonly #run: RunFunction;
  readonly #onInputRequest: (prompt: string) => void;
  /** Set after a fatal error: the interpreter cannot be used again. */
  #crashed = false;
  /** Bytes of the last line handed in that Python has not read yet. */
  #pendingInput: Uint8Array = new Uint8Array(0);

  constructor(pyodide: PyodideAPI, channels: SharedChannels, onInputRequest: (prompt: string) => void) {
    this.#pyodide = pyodide;
    this.#control = new Int32Array(channels.control);
    this.#input = new Uint8Array(channels.input);
    this.#onInputRequest = onInputRequest;

    const pipe = new PipeWriter(channels.output, {
      // A blocked writer gives up on Stop, so the interrupt can land.
      shouldGiveUp: () => isInterruptRequested(this.#control),
    });
    this.#sink = new OutputSink(pipe);
    pyodide.setStdout({ write: (bytes: Uint8Array) => this.#sink.write('stdout', bytes), isatty: false });
    pyodide.setStderr({ write: (bytes: Uint8Array) => this.#sink.write('stderr', bytes), isatty: false });
    pyodide.setStdin({ read: (buffer: Uint8Array) => this.#readStdin(buffer), isatty: false });
    pyodide.setInterruptBuffer(new Int32Array(channels.control, Slot.interrupt * Int32Array.BYTES_PER_ELEMENT, 1));

    const driver = pyodide.globals.get('dict')() as PyProxy & { get(key: string): unknown };
    pyodide.runPython(DRIVER_SOURCE, { globals: driver, filename: DRIVER_FILE });
    const install = driver.get('install') as PyProxy & ((hooks: object) => void);
    install({ sleep: (ms: number) => this.#sleep(ms) });
    install.destroy();
    this.#run = driver.get('run') as RunFunction;
    driver.destroy();
  }

  async run(code: string): Promise<WorkerRunResult> {
    if (this.#crashed) return { status: 'crashed', error: 'The Python runtime has crashed.', errorLine: null };
    resetForRun(this.#control);
    this.#pendingInput = new Uint8Array(0);
    this.#sink.startRun();
    let json: string;
    try {
      json = await this.#run.callPromising(code);
    } catch (error) {
      return this.#thrown(error);
    }
    const result = JSON.parse(json) as DriverResult;
    if (result.status === 'ok') return { status: 'ok', error: null, errorLine: null };
    if (result.traceback) {
      const { text, errorLine } = cleanTraceback(result.traceback, USER_FILE);
      return { status: result.status, error: text, errorLine };
    }
    return { status: result.status, error: result.message ?? 'the program failed', errorLine: null };
  }

  /**
   * The driver catches everything the program raises, so an exception here
   * either is a KeyboardInterrupt that landed after the program (in the
   * driver's own bookkeeping) or means the interpreter itself broke.
   */
  #thrown(error: unknown): WorkerRunResult {
    // Not `instanceof pyodide.ffi.PythonError`: after a fatal error every
    // access to the Pyodide API throws.
    const pythonType = error instanceof Error && error.name === 'PythonError' ? (error as Error & { type?: unknown }).type : undefined;
    if (pythonType === 'KeyboardInterrupt') return { status: 'interrupted', error: 'KeyboardInterrupt', errorLine: null };
    this.#crashed = true;
    const cause = error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error);
    return {
      status: 'crashed',
      error:
        `The Python runtime crashed (${cause}). This happens when a program recurses too deeply ` +
        'or exhausts memory. A fresh runtime has been started.',
      errorLine: null,
    };
  }

  #sleep(ms: number): void {
    if (!interruptibleSleep(this.#control, ms)) this.#pyodide.checkInterrupt();
  }

  /** Pyodide's stdin `read`: hands out the pending line, or asks for one and blocks until it comes. */
  #readStdin(buffer: Uint8Array): number {
    if (this.#pendingInput.length === 0) {
      this.#onInputRequest(this.#sink.prompt());
      const line = waitForLine(this.#control, this.#input);
      if (line === null) {
        this.#pyodide.checkInterrupt();
        return 0;
      }
      this.#pendingInput = line;
      // The answer ends the prompt's line, as it would on a terminal that echoes it.
      this.#sink.endLine();
    }
    const count = Math.min(buffer.length, this.#pendingInput.length);
    buffer.set(this.#pendingInput.subarray(0, count));
    this.#pendingInput = this.#pendingInput.subarray(count);
    return count;
  }
}
