import type { Language, RoomEvent, RunAuthor, RunStatus } from '@interview/protocol';
import { runDuration } from '../format/time.js';

export type RunPhase = 'running' | RunStatus;

export interface OutputChunk {
  stream: 'stdout' | 'stderr';
  text: string;
}

/** The most recent run anyone in the room started, as this client heard it. */
export interface LatestRun {
  runId: string;
  /** null when we joined after the start and only heard later events. */
  language: Language | null;
  by: RunAuthor | null;
  chunks: readonly OutputChunk[];
  /** Output dropped from the start to stay within MAX_OUTPUT_CHARS. */
  truncated: boolean;
  phase: RunPhase;
  error: string | null;
  durationMs: number | null;
  /** 1-based line of the program where the error was raised. */
  errorLine: number | null;
  /** The prompt the program waits on for input, if it waits. */
  awaitingInput: string | null;
  stopRequested: boolean;
}

/** Bounds what the panel keeps, so a print loop cannot exhaust the tab. */
export const MAX_OUTPUT_CHARS = 200_000;

function emptyRun(runId: string): LatestRun {
  return {
    runId,
    language: null,
    by: null,
    chunks: [],
    truncated: false,
    phase: 'running',
    error: null,
    durationMs: null,
    errorLine: null,
    awaitingInput: null,
    stopRequested: false,
  };
}

function appendOutput(run: LatestRun, chunk: OutputChunk): LatestRun {
  if (chunk.text === '') return run;
  const chunks = [...run.chunks];
  const last = chunks.at(-1);
  if (last && last.stream === chunk.stream) chunks[chunks.length - 1] = { ...last, text: last.text + chunk.text };
  else chunks.push(chunk);

  let total = chunks.reduce((sum, c) => sum + c.text.length, 0);
  let truncated = run.truncated;
  while (total > MAX_OUTPUT_CHARS && chunks.length > 0) {
    const first = chunks[0]!;
    const excess = total - MAX_OUTPUT_CHARS;
    truncated = true;
    if (first.text.length <= excess) {
      chunks.shift();
      total -= first.text.length;
    } else {
      chunks[0] = { ...first, text: first.text.slice(excess) };
      total -= excess;
    }
  }
  return { ...run, chunks, truncated };
}

/** The run for this event's runId: the current one, or a fresh one if we missed its start. */
function runFor(run: LatestRun | null, runId: string): LatestRun {
  return run?.runId === runId ? run : emptyRun(runId);
}

/** Folds a room event into the latest run. Pure: returns a new object on change. */
export function applyRunEvent(run: LatestRun | null, event: RoomEvent): LatestRun | null {
  switch (event.type) {
    case 'execute-code': {
      const { runId, language, by } = event.payload;
      return { ...emptyRun(runId), language, by: by ?? null };
    }
    case 'execution-output': {
      const { runId, stream, text } = event.payload;
      return appendOutput(runFor(run, runId), { stream, text });
    }
    case 'execution-result': {
      const { runId, output, error, status, durationMs, errorLine } = event.payload;
      let next = runFor(run, runId);
      // Whoever missed the streamed lines (joined late) still gets the whole output.
      if (next.chunks.length === 0) next = appendOutput(next, { stream: 'stdout', text: output });
      return {
        ...next,
        phase: status ?? (error === null ? 'ok' : 'error'),
        error,
        durationMs: durationMs ?? null,
        errorLine: errorLine ?? null,
        awaitingInput: null,
      };
    }
    case 'execution-input-request': {
      if (run?.runId !== event.payload.runId || run.phase !== 'running') return run;
      return { ...run, awaitingInput: event.payload.prompt };
    }
    case 'execution-input': {
      if (run?.runId !== event.payload.runId) return run;
      return { ...run, awaitingInput: null };
    }
    case 'stop-execution': {
      if (run?.runId !== event.payload.runId || run.phase !== 'running') return run;
      return { ...run, stopRequested: true };
    }
    case 'signal':
    case 'room-status':
      return run;
  }
}

export const PHASE_LABELS: Record<RunPhase, string> = {
  running: 'Running…',
  ok: 'Finished',
  error: 'Failed',
  stopped: 'Stopped',
  timeout: 'Timed out',
};

export function describePhase(run: LatestRun): string {
  if (run.phase === 'running' && run.stopRequested) return 'Stopping…';
  const label = PHASE_LABELS[run.phase];
  if (run.durationMs === null || run.phase === 'running') return label;
  return `${label} in ${runDuration(run.durationMs)}`;
}
