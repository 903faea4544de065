import type { CodeRunner, RunOutcome } from '@interview/runner-api';
import type { Language, RoomEvent, RoomEventType } from '@interview/protocol';
import { OUTPUT_TRUNCATED_NOTICE, OutputBatcher } from './output-batcher.js';
import { newRunId } from './run-id.js';

/** How the controller reaches the room: sending events and hearing others'. */
export interface RunEventBus {
  /** Sends to the other participants; false when offline. */
  send(event: RoomEvent): boolean;
  on<T extends RoomEventType>(type: T, listener: (event: Extract<RoomEvent, { type: T }>) => void): () => void;
}

export interface RunRequestOptions {
  language: Language;
  code: string;
  timeLimitSeconds: number;
}

/** A run this browser is executing. */
export interface LocalRun {
  runId: string;
  language: Language;
  /** The prompt the program waits on, if it waits for input. */
  awaitingInput: string | null;
}

/** Output kept for the final `execution-result`; the live stream is bounded separately. */
const RESULT_OUTPUT_CHARS = 128 * 1024;
/** Bounds one `execution-output` frame well under the relay's message limit. */
const EVENT_CHUNK_CHARS = 16 * 1024;
/** Output streamed per run unless the server allows less. */
const STREAMED_OUTPUT_CHARS = 1024 * 1024;

/**
 * Characters of output to stream per run: the relay refuses a runner that
 * streams more than `serverLimit`, so truncation (and its notice) stays under it.
 */
export function streamedOutputLimit(serverLimit: number | undefined): number {
  if (serverLimit === undefined) return STREAMED_OUTPUT_CHARS;
  return Math.max(0, Math.min(STREAMED_OUTPUT_CHARS, serverLimit - OUTPUT_TRUNCATED_NOTICE.length));
}

/**
 * Runs code in this browser and tells the room about it: the start, the
 * output as it streams (batched), input prompts and answers, and the result.
 * Every event is also applied locally through `local`, since the relay does
 * not echo a sender's own events. Obeys `stop-execution` from anyone.
 */
export class RunController {
  #current: (LocalRun & { runner: CodeRunner }) | null = null;
  readonly #listeners = new Set<(run: LocalRun | null) => void>();
  readonly #unsubscribe: () => void;

  constructor(
    private readonly bus: RunEventBus,
    private readonly runnerFor: (language: Language) => CodeRunner,
    /** Applies an event this browser emitted to its own view of the run. */
    private readonly local: (event: RoomEvent) => void,
    /** The server's MAX_RUN_OUTPUT_CHARS, when known. */
    private readonly serverOutputLimit?: number,
  ) {
    this.#unsubscribe = bus.on('stop-execution', (event) => {
      if (this.#current?.runId === event.payload.runId) this.#current.runner.stop(event.payload.runId);
    });
  }

  get current(): LocalRun | null {
    const run = this.#current;
    return run ? { runId: run.runId, language: run.language, awaitingInput: run.awaitingInput } : null;
  }

  subscribe(listener: (run: LocalRun | null) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Runs the code unless this browser is already running something; resolves with the outcome. */
  async run({ language, code, timeLimitSeconds }: RunRequestOptions): Promise<RunOutcome | null> {
    if (this.#current) return null;
    const runId = newRunId();
    const runner = this.runnerFor(language);
    this.#current = { runId, language, awaitingInput: null, runner };
    this.#changed();
    this.#emit({ type: 'execute-code', payload: { runId, language, code } });

    let resultOutput = '';
    const batcher = new OutputBatcher({
      maxChunkChars: EVENT_CHUNK_CHARS,
      maxTotalChars: streamedOutputLimit(this.serverOutputLimit),
      deliver: (stream, text) => {
        if (resultOutput.length < RESULT_OUTPUT_CHARS) resultOutput += text.slice(0, RESULT_OUTPUT_CHARS - resultOutput.length);
        this.#emit({ type: 'execution-output', payload: { runId, stream, text } });
      },
    });

    let outcome: RunOutcome;
    try {
      outcome = await runner.run(
        { runId, code, timeoutMs: timeLimitSeconds * 1000 },
        {
          onOutput: (stream, text) => batcher.push(stream, text),
          onInputRequest: (prompt) => {
            // The prompt must be on everyone's screen before they are asked.
            batcher.flush();
            if (this.#current?.runId === runId) this.#current.awaitingInput = prompt;
            this.#changed();
            this.#emit({ type: 'execution-input-request', payload: { runId, prompt } });
          },
        },
      );
    } catch (error) {
      // Runners report user errors as outcomes; a throw is a runner failure.
      outcome = { status: 'error', error: `The runner failed: ${error instanceof Error ? error.message : String(error)}`, errorLine: null, durationMs: 0 };
    }
    batcher.flush();
    const payload = {
      runId,
      output: resultOutput,
      error: outcome.error,
      status: outcome.status,
      durationMs: Math.round(outcome.durationMs),
      ...(outcome.errorLine !== null ? { errorLine: outcome.errorLine } : {}),
    };
    this.#emit({ type: 'execution-result', payload });
    this.#current = null;
    this.#changed();
    return outcome;
  }

  /** Answers the program's pending input() with one line; everyone sees it. */
  answer(text: string): void {
    const run = this.#current;
    if (!run || run.awaitingInput === null) return;
    run.awaitingInput = null;
    this.#changed();
    this.#emit({ type: 'execution-input', payload: { runId: run.runId, text } });
    // A terminal shows what was typed; the transcript should too.
    this.#emit({ type: 'execution-output', payload: { runId: run.runId, stream: 'stdout', text: `${text}\n` } });
    run.runner.provideInput(run.runId, text);
  }

  /** Stops a run, whoever's browser runs it. */
  stop(runId: string): void {
    this.#emit({ type: 'stop-execution', payload: { runId } });
    if (this.#current?.runId === runId) this.#current.runner.stop(runId);
  }

  destroy(): void {
    this.#unsubscribe();
    const run = this.#current;
    if (run) run.runner.stop(run.runId);
    this.#listeners.clear();
  }

  #emit(event: RoomEvent): void {
    this.local(event);
    this.bus.send(event);
  }

  #changed(): void {
    const snapshot = this.current;
    for (const listener of [...this.#listeners]) listener(snapshot);
  }
}
