import type { RoomEvent } from '@interview/protocol';
import { describe, expect, it } from 'vitest';
import { applyRunEvent, describePhase, MAX_OUTPUT_CHARS, type LatestRun } from './latest-run.js';

const fold = (events: RoomEvent[], start: LatestRun | null = null) => events.reduce(applyRunEvent, start);

const start: RoomEvent = {
  type: 'execute-code',
  payload: { runId: 'r1', language: 'python', code: 'print(1)', by: { name: 'Ada', role: 'candidate' } },
};
const out = (text: string, stream: 'stdout' | 'stderr' = 'stdout', runId = 'r1'): RoomEvent => ({
  type: 'execution-output',
  payload: { runId, stream, text },
});

describe('applyRunEvent', () => {
  it('follows a run from start through output to its result', () => {
    const run = fold([
      start,
      out('a\n'),
      out('b\n'),
      out('oops\n', 'stderr'),
      { type: 'execution-result', payload: { runId: 'r1', output: 'a\nb\n', error: null, status: 'ok', durationMs: 12 } },
    ]);
    expect(run).toMatchObject({ runId: 'r1', language: 'python', by: { name: 'Ada' }, phase: 'ok', durationMs: 12 });
    expect(run?.chunks).toEqual([
      { stream: 'stdout', text: 'a\nb\n' },
      { stream: 'stderr', text: 'oops\n' },
    ]);
  });

  it('a new run replaces the previous one', () => {
    const run = fold([start, out('old'), { ...start, payload: { ...start.payload, runId: 'r2' } }]);
    expect(run).toMatchObject({ runId: 'r2', chunks: [], phase: 'running' });
  });

  it('derives the phase from the error when the result has no status', () => {
    const run = fold([start, { type: 'execution-result', payload: { runId: 'r1', output: '', error: 'NameError: x' } }]);
    expect(run?.phase).toBe('error');
    expect(run?.error).toBe('NameError: x');
  });

  it('uses the result output when it heard none of the stream (joined late)', () => {
    const run = fold([{ type: 'execution-result', payload: { runId: 'r9', output: 'all of it\n', error: null } }]);
    expect(run).toMatchObject({ runId: 'r9', language: null, phase: 'ok', chunks: [{ stream: 'stdout', text: 'all of it\n' }] });
  });

  it('marks a stop request on the current run only', () => {
    const run = fold([start, { type: 'stop-execution', payload: { runId: 'r1' } }]);
    expect(run?.stopRequested).toBe(true);
    expect(describePhase(run!)).toBe('Stopping…');
    expect(fold([{ type: 'stop-execution', payload: { runId: 'other' } }], run)).toBe(run);
  });

  it('trims the oldest output beyond the limit', () => {
    const big = 'x'.repeat(MAX_OUTPUT_CHARS - 10);
    const run = fold([start, out(big), out('y'.repeat(20), 'stderr')]);
    const total = run!.chunks.reduce((sum, c) => sum + c.text.length, 0);
    expect(total).toBe(MAX_OUTPUT_CHARS);
    expect(run!.truncated).toBe(true);
    expect(run!.chunks.at(-1)).toEqual({ stream: 'stderr', text: 'y'.repeat(20) });
  });

  it('describes finished runs with their duration', () => {
    const run = fold([start, { type: 'execution-result', payload: { runId: 'r1', output: '', error: null, status: 'timeout', durationMs: 5000 } }]);
    expect(describePhase(run!)).toBe('Timed out in 5.0 s');
  });
});
