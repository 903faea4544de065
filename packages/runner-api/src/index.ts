import type { Language, RunStatus } from '@interview/protocol';

export interface RunRequest {
  runId: string;
  code: string;
  /** The run is ended with status "timeout" after this long. */
  timeoutMs: number;
}

export interface RunHandlers {
  /** Output as it arrives, in order; runners batch tiny writes. */
  onOutput(stream: 'stdout' | 'stderr', text: string): void;
  /**
   * The program waits for a line of input (Python `input()`); the prompt has
   * already been delivered through `onOutput`. Answer with `provideInput`.
   */
  onInputRequest?(prompt: string): void;
}

export interface RunOutcome {
  status: RunStatus;
  /** The error or traceback as the user should see it; null when the run succeeded. */
  error: string | null;
  /** 1-based line of the user's code where the error was raised, when known. */
  errorLine: number | null;
  durationMs: number;
}

export type RuntimeState =
  | { phase: 'idle' }
  | { phase: 'loading'; loadedBytes: number; totalBytes: number | null }
  | { phase: 'ready' }
  | { phase: 'failed'; error: string };

/**
 * A sandboxed in-browser runtime for one language. The UI never touches the
 * iframe or worker behind it.
 */
export interface CodeRunner {
  readonly language: Language;
  readonly state: RuntimeState;
  /** Starts loading the runtime (idempotent); resolves when it is ready. */
  preload(): Promise<void>;
  /** Calls `listener` on every state change; returns an unsubscribe function. */
  onStateChange(listener: (state: RuntimeState) => void): () => void;
  /** Runs one program in a fresh namespace; one run at a time. Never rejects for user errors. */
  run(request: RunRequest, handlers: RunHandlers): Promise<RunOutcome>;
  /** Answers the pending input request of a run. */
  provideInput(runId: string, text: string): void;
  /** Stops a run; its outcome resolves with status "stopped". */
  stop(runId: string): void;
  /** Releases the runtime and removes its frame. */
  dispose(): void;
}
