import { describe, expect, it } from 'vitest';
import { MessageRateLimit } from './message-rate-limit.js';

describe('MessageRateLimit', () => {
  it('lets a burst of two seconds’ worth through, then the sustained rate', () => {
    let now = 0;
    const limit = new MessageRateLimit({ perSecond: 10, now: () => now });
    for (let i = 0; i < 20; i++) expect(limit.take()).toBe(true);
    expect(limit.take()).toBe(false);
    now = 100;
    expect(limit.take()).toBe(true);
    expect(limit.take()).toBe(false);
    // A second at the rate never runs dry.
    for (let i = 0; i < 10; i++) {
      now += 100;
      expect(limit.take()).toBe(true);
    }
  });

  it('refills to the burst and no further after a quiet spell', () => {
    let now = 0;
    const limit = new MessageRateLimit({ perSecond: 5, burstSeconds: 1, now: () => now });
    for (let i = 0; i < 5; i++) limit.take();
    now = 60_000;
    let passed = 0;
    while (limit.take()) passed++;
    expect(passed).toBe(5);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new MessageRateLimit({ perSecond: 0 })).toThrow(RangeError);
  });
});
