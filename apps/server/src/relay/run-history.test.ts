import { describe, expect, it } from 'vitest';
import { RecordLimits, type ExecuteCodeEvent } from '@interview/protocol';
import type { RoomStore, RunRecord } from '../storage/room-store.js';
import { RecordWrites } from './record-writes.js';
import { cutOutput, MAX_RUNS_PER_RUNNER, RunHistory } from './run-history.js';

describe('cutOutput', () => {
  it('keeps output up to the limit as it is, and cuts longer output to the limit with a marker', () => {
    expect(cutOutput('abc', 3)).toBe('abc');
    const cut = cutOutput('x'.repeat(1000), 100);
    expect(cut).toHaveLength(100);
    expect(cut).toMatch(/^x+\n\[output cut: the run printed more than 100 characters\]\n$/);
    expect(cutOutput('x'.repeat(RecordLimits.outputChars + 1))).toHaveLength(RecordLimits.outputChars);
  });
});

describe('RunHistory', () => {
  it('writes off a runner’s oldest run when it starts more than it could be running', async () => {
    const saved: RunRecord[] = [];
    const store = { saveRun: async (_roomId: string, run: RunRecord) => void saved.push(run) } as Pick<RoomStore, 'saveRun'>;
    const writes = new RecordWrites((what, error) => {
      throw new Error(`${what}: ${String(error)}`);
    });
    const history = new RunHistory({ roomId: 'r', store: store as RoomStore, writes, clock: () => new Date(0) });
    const runner = {};
    const start = (runId: string): ExecuteCodeEvent => ({ type: 'execute-code', payload: { runId, language: 'python', code: '' } });
    for (let i = 0; i <= MAX_RUNS_PER_RUNNER; i++) history.started(runner, start(`run-${i}`), { name: 'Cleo', role: 'candidate' });
    await writes.settled();
    expect(history.isRunning('run-0', runner)).toBe(false);
    expect(history.isRunning(`run-${MAX_RUNS_PER_RUNNER}`, runner)).toBe(true);
    expect(saved.filter((r) => r.runId === 'run-0').map((r) => r.status)).toEqual([null, 'stopped']);
    expect(history.isRunning('run-1', {})).toBe(false);
  });
});
