import { describe, expect, it } from 'vitest';
import type { OutputChunk } from '../messages.js';
import { OutputChannel } from './output-channel.js';

function setup(limit = 1000) {
  let time = 0;
  const posts: Array<{ chunks: OutputChunk[]; truncated: boolean }> = [];
  const timers: Array<{ at: number; run: () => void }> = [];
  const channel = new OutputChannel({
    limit,
    post: (chunks, truncated) => posts.push({ chunks: chunks.map((c) => ({ ...c })), truncated }),
    now: () => time,
    schedule: (run, delay) => timers.push({ at: time + delay, run }),
    windowMs: 16,
    immediatePostsPerWindow: 3,
    flushChars: 100,
  });
  const advance = (ms: number) => {
    time += ms;
    for (const timer of timers.splice(0).sort((a, b) => a.at - b.at)) {
      if (timer.at <= time) timer.run();
      else timers.push(timer);
    }
  };
  return { channel, posts, timers, advance };
}

describe('OutputChannel', () => {
  it('posts the first writes of a window at once', () => {
    const { channel, posts } = setup();
    channel.write('stdout', 'a\n');
    channel.write('stderr', 'b\n');
    channel.write('stdout', 'c\n');
    expect(posts.map((p) => p.chunks)).toEqual([[{ stream: 'stdout', text: 'a\n' }], [{ stream: 'stderr', text: 'b\n' }], [{ stream: 'stdout', text: 'c\n' }]]);
  });

  it('coalesces a storm until the window ends, keeping order', () => {
    const { channel, posts, timers, advance } = setup();
    for (const text of ['1', '2', '3']) channel.write('stdout', text);
    channel.write('stdout', '4');
    channel.write('stderr', '5');
    channel.write('stdout', '6');
    expect(posts).toHaveLength(3);
    expect(timers).toHaveLength(1);
    advance(16);
    expect(posts[3]!.chunks).toEqual([
      { stream: 'stdout', text: '4' },
      { stream: 'stderr', text: '5' },
      { stream: 'stdout', text: '6' },
    ]);
  });

  it('posts when the pending text is large, even within the window', () => {
    const { channel, posts } = setup();
    for (let i = 0; i < 3; i++) channel.write('stdout', 'x');
    channel.write('stdout', 'y'.repeat(60));
    expect(posts).toHaveLength(3);
    channel.write('stdout', 'z'.repeat(60));
    expect(posts).toHaveLength(4);
    expect(posts[3]!.chunks[0]!.text).toBe('y'.repeat(60) + 'z'.repeat(60));
  });

  it('starts a new budget in the next window', () => {
    const { channel, posts, advance } = setup();
    for (let i = 0; i < 4; i++) channel.write('stdout', String(i));
    advance(20);
    channel.write('stdout', 'next');
    expect(posts.map((p) => p.chunks.map((c) => c.text).join(''))).toEqual(['0', '1', '2', '3', 'next']);
  });

  it('cuts at the limit, reports truncation once and stops accepting', () => {
    const { channel, posts } = setup(10);
    channel.write('stdout', '12345');
    channel.write('stdout', '6789012345');
    expect(channel.accepting).toBe(false);
    channel.write('stdout', 'more');
    expect(posts.map((p) => [p.chunks.map((c) => c.text).join(''), p.truncated])).toEqual([
      ['12345', false],
      ['67890', true],
    ]);
  });

  it('flushes everything on close and refuses later writes', () => {
    const { channel, posts } = setup();
    for (let i = 0; i < 5; i++) channel.write('stdout', String(i));
    channel.close();
    channel.write('stdout', 'late');
    expect(posts.map((p) => p.chunks.map((c) => c.text).join('')).join('')).toBe('01234');
  });
});
