import type { ExecuteCodeEvent, ExecutionOutputEvent, ExecutionResultEvent, RoomEvent } from '@interview/protocol';
import type { StoredRun } from '../storage/room-store.js';

/** Output kept for replay to late joiners; live output is relayed whatever its size. */
export const REPLAY_OUTPUT_LIMIT = 256 * 1024;

/**
 * A room's most recent run as it streamed: its start, its output and its
 * result, so that someone who joins later sees what the others saw.
 */
export class LatestRun {
  private run: StoredRun | null;
  private outputChars: number;

  constructor(stored: StoredRun | null) {
    this.run = stored;
    this.outputChars = stored?.output.reduce((sum, chunk) => sum + chunk.text.length, 0) ?? 0;
  }

  start(event: ExecuteCodeEvent): void {
    this.run = { execute: event, output: [], result: null };
    this.outputChars = 0;
  }

  /** Returns false when the output belongs to another run or the replay buffer is full. */
  append(event: ExecutionOutputEvent): boolean {
    const run = this.current(event.payload.runId);
    if (!run || this.outputChars + event.payload.text.length > REPLAY_OUTPUT_LIMIT) return false;
    const last = run.output.at(-1);
    if (last && last.stream === event.payload.stream) last.text += event.payload.text;
    else run.output.push({ ...event.payload });
    this.outputChars += event.payload.text.length;
    return true;
  }

  /** Returns false when the result belongs to another run. */
  finish(event: ExecutionResultEvent): boolean {
    const run = this.current(event.payload.runId);
    if (!run) return false;
    run.result = event;
    return true;
  }

  /**
   * Ends an unfinished run on behalf of a runner that can no longer report
   * (it left, or the server restarted), so nobody waits on it forever.
   * Returns the result event, or null when there was nothing to end.
   */
  abandon(reason: string): ExecutionResultEvent | null {
    const run = this.run;
    if (!run || run.result) return null;
    const output = run.output.map((chunk) => chunk.text).join('');
    run.result = { type: 'execution-result', payload: { runId: run.execute.payload.runId, output, error: reason, status: 'stopped' } };
    return run.result;
  }

  snapshot(): StoredRun | null {
    return this.run;
  }

  /** The events that replay the run, in the order they happened. */
  replay(): RoomEvent[] {
    if (!this.run) return [];
    const events: RoomEvent[] = [this.run.execute];
    for (const payload of this.run.output) events.push({ type: 'execution-output', payload });
    if (this.run.result) events.push(this.run.result);
    return events;
  }

  private current(runId: string): StoredRun | null {
    return this.run && this.run.execute.payload.runId === runId ? this.run : null;
  }
}
