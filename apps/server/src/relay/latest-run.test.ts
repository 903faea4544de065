import { describe, expect, it } from 'vitest';
import type { ExecuteCodeEvent, ExecutionOutputEvent, ExecutionResultEvent } from '@interview/protocol';
import type { StoredRun } from '../storage/room-store.js';
import { LatestRun, REPLAY_OUTPUT_LIMIT } from './latest-run.js';

const execute = (runId: string, code = 'print(1)'): ExecuteCodeEvent => ({
  type: 'execute-code',
  payload: { runId, language: 'python', code, by: { name: 'Ada', role: 'candidate' } },
});
const out = (runId: string, text: string, stream: 'stdout' | 'stderr' = 'stdout'): ExecutionOutputEvent => ({
  type: 'execution-output',
  payload: { runId, stream, text },
});
const result = (runId: string, error: string | null = null): ExecutionResultEvent => ({
  type: 'execution-result',
  payload: { runId, output: 'all', error, status: error ? 'error' : 'ok', durationMs: 3 },
});

describe('LatestRun', () => {
  it('replays nothing before any run', () => {
    const run = new LatestRun(null);
    expect(run.replay()).toEqual([]);
    expect(run.snapshot()).toBeNull();
    expect(run.append(out('r1', 'x'))).toBe(false);
    expect(run.finish(result('r1'))).toBe(false);
    expect(run.replay()).toEqual([]);
  });

  it('replays start, output and result in the order they happened', () => {
    const run = new LatestRun(null);
    run.start(execute('r1'));
    expect(run.replay()).toEqual([execute('r1')]);
    expect(run.append(out('r1', 'a'))).toBe(true);
    expect(run.append(out('r1', 'oops', 'stderr'))).toBe(true);
    expect(run.finish(result('r1'))).toBe(true);
    expect(run.replay()).toEqual([execute('r1'), out('r1', 'a'), out('r1', 'oops', 'stderr'), result('r1')]);
  });

  it('merges consecutive chunks of one stream and keeps the interleaving of streams', () => {
    const run = new LatestRun(null);
    run.start(execute('r1'));
    for (const event of [out('r1', 'a'), out('r1', 'b'), out('r1', 'E1', 'stderr'), out('r1', 'E2', 'stderr'), out('r1', 'c')]) {
      run.append(event);
    }
    expect(run.replay().slice(1)).toEqual([out('r1', 'ab'), out('r1', 'E1E2', 'stderr'), out('r1', 'c')]);
  });

  it('does not change the events it was given when it merges', () => {
    const run = new LatestRun(null);
    run.start(execute('r1'));
    const first = out('r1', 'a');
    run.append(first);
    run.append(out('r1', 'b'));
    expect(first.payload.text).toBe('a');
  });

  it('ignores output and results of another run', () => {
    const run = new LatestRun(null);
    run.start(execute('r1'));
    expect(run.append(out('r0', 'stale'))).toBe(false);
    expect(run.finish(result('r0'))).toBe(false);
    expect(run.replay()).toEqual([execute('r1')]);
  });

  it('starting a run forgets the previous one', () => {
    const run = new LatestRun(null);
    run.start(execute('r1'));
    run.append(out('r1', 'old'));
    run.finish(result('r1'));
    run.start(execute('r2', 'print(2)'));
    expect(run.replay()).toEqual([execute('r2', 'print(2)')]);
    expect(run.append(out('r1', 'late'))).toBe(false);
    expect(run.snapshot()).toEqual({ execute: execute('r2', 'print(2)'), output: [], result: null });
  });

  it('keeps at most REPLAY_OUTPUT_LIMIT characters of output, refusing the chunk that would pass it', () => {
    const run = new LatestRun(null);
    run.start(execute('r1'));
    expect(run.append(out('r1', 'x'.repeat(REPLAY_OUTPUT_LIMIT - 1)))).toBe(true);
    expect(run.append(out('r1', 'yy'))).toBe(false);
    expect(run.append(out('r1', 'z', 'stderr'))).toBe(true); // exactly at the limit
    expect(run.append(out('r1', 'z', 'stderr'))).toBe(false);
    const kept = run.replay().filter((e) => e.type === 'execution-output');
    expect(kept.reduce((n, e) => n + (e.type === 'execution-output' ? e.payload.text.length : 0), 0)).toBe(REPLAY_OUTPUT_LIMIT);
    // The result is still recorded once the buffer is full.
    expect(run.finish(result('r1'))).toBe(true);
    expect(run.replay().at(-1)).toEqual(result('r1'));
    // A new run starts with an empty buffer.
    run.start(execute('r2'));
    expect(run.append(out('r2', 'fresh'))).toBe(true);
  });

  it('resumes from a stored run, counting its stored output against the limit', () => {
    const stored: StoredRun = {
      execute: execute('r9'),
      output: [{ runId: 'r9', stream: 'stdout', text: 'x'.repeat(REPLAY_OUTPUT_LIMIT - 1) }],
      result: null,
    };
    const run = new LatestRun(structuredClone(stored));
    expect(run.replay()).toEqual([execute('r9'), out('r9', 'x'.repeat(REPLAY_OUTPUT_LIMIT - 1))]);
    expect(run.append(out('r9', 'ab'))).toBe(false);
    expect(run.append(out('r9', 'a'))).toBe(true);
    expect(run.finish(result('r9', 'Boom'))).toBe(true);
    expect(run.snapshot()).toEqual({
      execute: execute('r9'),
      output: [{ runId: 'r9', stream: 'stdout', text: `${'x'.repeat(REPLAY_OUTPUT_LIMIT - 1)}a` }],
      result: result('r9', 'Boom'),
    });
  });

  it('snapshot is what storage needs to rebuild the same replay', () => {
    const run = new LatestRun(null);
    run.start(execute('r1'));
    run.append(out('r1', 'a'));
    run.append(out('r1', 'b', 'stderr'));
    run.finish(result('r1'));
    const reloaded = new LatestRun(JSON.parse(JSON.stringify(run.snapshot())) as StoredRun);
    expect(reloaded.replay()).toEqual(run.replay());
  });
});
