import { describe, expect, it } from 'vitest';
import { OUTPUT_TRUNCATED_NOTICE, OutputBatcher, type OutputStream } from './output-batcher.js';

/** A batcher on a manual clock: timers fire only when the test says so. */
function harness(options: { maxChunkChars?: number; maxTotalChars?: number } = {}) {
  const delivered: Array<[OutputStream, string]> = [];
  let timer: (() => void) | null = null;
  const batcher = new OutputBatcher({
    ...options,
    intervalMs: 16,
    deliver: (stream, text) => delivered.push([stream, text]),
    setTimer: (callback) => {
      timer = callback;
      return 1;
    },
    clearTimer: () => {
      timer = null;
    },
  });
  return {
    batcher,
    delivered,
    fireTimer() {
      const fire = timer;
      timer = null;
      fire?.();
    },
    get timerPending() {
      return timer !== null;
    },
  };
}

describe('OutputBatcher', () => {
  it('delivers the first write at once and coalesces the writes that follow it', () => {
    const h = harness();
    h.batcher.push('stdout', 'a\n', 0);
    expect(h.delivered).toEqual([['stdout', 'a\n']]);
    for (let i = 0; i < 1000; i++) h.batcher.push('stdout', `${i}\n`, 1);
    expect(h.delivered).toHaveLength(1);
    expect(h.timerPending).toBe(true);
    h.fireTimer();
    expect(h.delivered).toHaveLength(2);
    expect(h.delivered[1]![1].split('\n')).toHaveLength(1001);
  });

  it('keeps the order of interleaved stdout and stderr', () => {
    const h = harness();
    h.batcher.push('stdout', 'first', 0);
    h.batcher.push('stdout', ' out', 1);
    h.batcher.push('stderr', ' err', 2);
    h.batcher.push('stdout', ' out again', 3);
    h.batcher.flush(4);
    expect(h.delivered).toEqual([
      ['stdout', 'first'],
      ['stdout', ' out'],
      ['stderr', ' err'],
      ['stdout', ' out again'],
    ]);
  });

  it('delivers a large pending chunk without waiting for the timer', () => {
    const h = harness({ maxChunkChars: 10 });
    h.batcher.push('stdout', 'x', 0);
    h.batcher.push('stdout', '0123456789', 1);
    expect(h.delivered.map(([, text]) => text)).toEqual(['x', '0123456789']);
  });

  it('stops at the total limit with one notice and drops the rest', () => {
    const h = harness({ maxTotalChars: 10 });
    h.batcher.push('stdout', '12345', 0);
    h.batcher.push('stdout', '67890abc', 1);
    h.batcher.push('stdout', 'never', 2);
    h.batcher.flush(3);
    const text = h.delivered.map(([, t]) => t).join('');
    expect(text).toBe(`1234567890${OUTPUT_TRUNCATED_NOTICE}`);
    expect(h.batcher.truncated).toBe(true);
  });
});
