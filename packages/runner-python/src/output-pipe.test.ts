import { describe, expect, it } from 'vitest';
import { createPipeBuffer, PipeReader, PipeWriter } from './output-pipe.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('output pipe', () => {
  it('delivers writes in order, merging adjacent chunks of a stream', () => {
    const buffer = createPipeBuffer(1024);
    const writer = new PipeWriter(buffer);
    const reader = new PipeReader(buffer);
    writer.write('stdout', bytes('a'));
    writer.write('stdout', bytes('b\n'));
    writer.write('stderr', bytes('oops\n'));
    writer.write('stdout', bytes('c'));
    expect(reader.drain()).toEqual([
      { stream: 'stdout', text: 'ab\n' },
      { stream: 'stderr', text: 'oops\n' },
      { stream: 'stdout', text: 'c' },
    ]);
    expect(reader.drain()).toEqual([]);
  });

  it('wraps around the ring many times', () => {
    const buffer = createPipeBuffer(64);
    const writer = new PipeWriter(buffer);
    const reader = new PipeReader(buffer);
    let sent = '';
    let received = '';
    for (let i = 0; i < 500; i++) {
      const line = `line ${i}\n`;
      sent += line;
      writer.write(i % 7 === 0 ? 'stderr' : 'stdout', bytes(line));
      if (i % 3 === 0) received += reader.drain().map((c) => c.text).join('');
    }
    received += reader.drain().map((c) => c.text).join('');
    expect(received).toBe(sent);
  });

  it('holds back a character split between writes until it is complete', () => {
    const buffer = createPipeBuffer(256);
    const writer = new PipeWriter(buffer);
    const reader = new PipeReader(buffer);
    const snake = bytes('🐍!');
    writer.write('stdout', snake.subarray(0, 2));
    expect(reader.drain()).toEqual([]);
    writer.write('stdout', snake.subarray(2));
    expect(reader.drain()).toEqual([{ stream: 'stdout', text: '🐍!' }]);
  });

  it('blocks a writer on a full ring until the reader drains, and splits writes larger than the ring', () => {
    const buffer = createPipeBuffer(64);
    const reader = new PipeReader(buffer);
    let received = '';
    let waits = 0;
    // Single-threaded stand-in for the harness: it drains whenever the writer has to wait.
    const writer = new PipeWriter(buffer, {
      waitSliceMs: 0,
      shouldGiveUp: () => {
        waits++;
        received += reader.drain().map((c) => c.text).join('');
        return false;
      },
    });
    const big = 'x'.repeat(1000) + 'end';
    expect(writer.write('stdout', bytes(big))).toBe(true);
    received += reader.drain().map((c) => c.text).join('');
    expect(received).toBe(big);
    expect(waits).toBeGreaterThan(10);
  });

  it('lets a blocked writer give up (a Stop must be able to land)', () => {
    const buffer = createPipeBuffer(64);
    const writer = new PipeWriter(buffer, { waitSliceMs: 0, shouldGiveUp: () => true });
    expect(writer.write('stdout', bytes('x'.repeat(50)))).toBe(true);
    expect(writer.write('stdout', bytes('y'.repeat(50)))).toBe(false);
    expect(new PipeReader(buffer).drain()).toEqual([{ stream: 'stdout', text: 'x'.repeat(50) }]);
  });

  it('refuses a capacity the counters cannot wrap with', () => {
    expect(() => createPipeBuffer(100)).toThrow(RangeError);
    expect(() => createPipeBuffer(32)).toThrow(/power of two ≥ 64, got 32/);
  });
});
