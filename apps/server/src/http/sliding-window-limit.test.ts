import { describe, expect, it } from 'vitest';
import { SlidingWindowLimit } from './sliding-window-limit.js';

function limitWithClock(maxEvents = 3, windowMs = 60_000) {
  let now = 1_000_000;
  const limit = new SlidingWindowLimit({ maxEvents, windowMs, now: () => now });
  return {
    limit,
    advance(ms: number) {
      now += ms;
    },
  };
}

describe('SlidingWindowLimit', () => {
  it('lets a client fail maxEvents times, then makes it wait until its oldest failure leaves the window', () => {
    const { limit, advance } = limitWithClock(3, 60_000);
    for (let i = 0; i < 3; i++) {
      expect(limit.retryAfterMs('10.0.0.1')).toBe(0);
      limit.record('10.0.0.1');
      advance(10_000);
    }
    // Failures at 0 s, 10 s and 20 s; now 30 s: the one at 0 s frees a slot at 60 s.
    expect(limit.retryAfterMs('10.0.0.1')).toBe(30_000);
    advance(29_999);
    expect(limit.retryAfterMs('10.0.0.1')).toBe(1);
    advance(1);
    expect(limit.retryAfterMs('10.0.0.1')).toBe(0);
    // One slot only: the next failure blocks again until the one at 10 s ages out.
    limit.record('10.0.0.1');
    expect(limit.retryAfterMs('10.0.0.1')).toBe(10_000);
  });

  it('keeps clients apart', () => {
    const { limit } = limitWithClock(2);
    limit.record('a');
    limit.record('a');
    expect(limit.retryAfterMs('a')).toBeGreaterThan(0);
    expect(limit.retryAfterMs('b')).toBe(0);
    limit.record('b');
    expect(limit.retryAfterMs('b')).toBe(0);
  });

  it('forgets clients whose failures all aged out, so memory does not grow with every address ever seen', () => {
    const { limit, advance } = limitWithClock(5, 1000);
    for (let i = 0; i < 100; i++) limit.record(`client-${i}`);
    expect(limit.trackedClients).toBe(100);
    advance(1001);
    limit.record('latest');
    expect(limit.trackedClients).toBe(1);
  });

  it('refuses nonsensical settings with a RangeError naming them', () => {
    expect(() => new SlidingWindowLimit({ maxEvents: 0, windowMs: 1000 })).toThrow(RangeError);
    expect(() => new SlidingWindowLimit({ maxEvents: 1.5, windowMs: 1000 })).toThrow(/maxEvents/);
    expect(() => new SlidingWindowLimit({ maxEvents: 1, windowMs: 0 })).toThrow(/windowMs/);
  });
});
