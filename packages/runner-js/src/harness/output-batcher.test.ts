import { describe, expect, it } from 'vitest';
import type { OutputChunk } from '../messages.js';
import { TRUNCATION_NOTICE } from '../limits.js';
import { OutputBatcher } from './output-batcher.js';

function setup(limit = 100) {
  const sent: OutputChunk[][] = [];
  const timers = new Set<() => void>();
  const batcher = new OutputBatcher({
    send: (chunks) => sent.push(chunks),
    schedule: (callback) => {
      timers.add(callback);
      return () => timers.delete(callback);
    },
    limit,
    flushChars: 20,
  });
  const fire = () => {
    for (const timer of [...timers]) {
      timers.delete(timer);
      timer();
    }
  };
  return { batcher, sent, timers, fire };
}

describe('OutputBatcher', () => {
  it('coalesces chunks until its timer fires, merging a stream and keeping order', () => {
    const { batcher, sent, fire, timers } = setup();
    batcher.add([{ stream: 'stdout', text: 'a' }]);
    batcher.add([{ stream: 'stdout', text: 'b' }, { stream: 'stderr', text: 'c' }]);
    expect(sent).toEqual([]);
    expect(timers.size).toBe(1);
    fire();
    expect(sent).toEqual([
      [
        { stream: 'stdout', text: 'ab' },
        { stream: 'stderr', text: 'c' },
      ],
    ]);
  });

  it('sends at once past flushChars', () => {
    const { batcher, sent, timers } = setup();
    batcher.add([{ stream: 'stdout', text: 'x'.repeat(25) }]);
    expect(sent).toHaveLength(1);
    expect(timers.size).toBe(0);
  });

  it('flushes on demand and cancels its timer', () => {
    const { batcher, sent, timers } = setup();
    batcher.add([{ stream: 'stdout', text: 'a' }]);
    batcher.flush();
    expect(sent).toHaveLength(1);
    expect(timers.size).toBe(0);
    batcher.flush();
    expect(sent).toHaveLength(1);
  });

  it('enforces the limit itself and appends one notice on its own line', () => {
    const { batcher, sent } = setup(10);
    batcher.add([{ stream: 'stdout', text: '0123456' }]);
    batcher.add([{ stream: 'stdout', text: '789abc' }, { stream: 'stderr', text: 'never' }]);
    batcher.add([{ stream: 'stdout', text: 'never either' }]);
    batcher.flush();
    const text = sent.flat().map((c) => `${c.stream}:${c.text}`);
    expect(text).toEqual(['stdout:0123456789', `stderr:\n${TRUNCATION_NOTICE}\n`]);
  });

  it('appends the notice when the worker reports truncation', () => {
    const { batcher, sent } = setup();
    batcher.add([{ stream: 'stdout', text: 'last line\n' }], true);
    batcher.add([{ stream: 'stdout', text: 'ignored' }]);
    batcher.flush();
    expect(sent.flat()).toEqual([
      { stream: 'stdout', text: 'last line\n' },
      { stream: 'stderr', text: `${TRUNCATION_NOTICE}\n` },
    ]);
  });
});
