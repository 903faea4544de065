import { describe, expect, it } from 'vitest';
import { PresenceMemory } from './presence-memory.js';

function memoryOver(options: { forgetAfterMs?: number; maxRemembered?: number } = {}) {
  const meta = new Map<number, unknown>();
  const present = new Set<number>();
  const clock = { now: 0 };
  const memory = new PresenceMemory({ meta, present: (id) => present.has(id), now: () => clock.now, ...options });
  return { meta, present, clock, memory };
}

describe('PresenceMemory', () => {
  it('keeps a departed presence’s clock for a while, so a stale echo cannot bring it back, then forgets it', () => {
    const { meta, clock, memory } = memoryOver({ forgetAfterMs: 60_000 });
    meta.set(1, { clock: 5 });
    memory.departed([1]);
    clock.now = 59_999;
    memory.settle([]);
    expect(meta.has(1)).toBe(true);
    clock.now = 60_000;
    memory.settle([]);
    expect(meta.has(1)).toBe(false);
    expect(memory.remembered).toBe(0);
  });

  it('forgets at once an id an update named that is neither present nor departed', () => {
    const { meta, present, memory } = memoryOver();
    meta.set(7, { clock: 1 });
    meta.set(8, { clock: 1 });
    present.add(8);
    memory.settle([7, 8]);
    expect(meta.has(7)).toBe(false);
    expect(meta.has(8)).toBe(true);
  });

  it('never forgets a presence that came back', () => {
    const { meta, present, clock, memory } = memoryOver({ forgetAfterMs: 10 });
    meta.set(3, { clock: 2 });
    memory.departed([3]);
    present.add(3);
    memory.returned([3]);
    clock.now = 1_000;
    memory.settle([3]);
    expect(meta.has(3)).toBe(true);
  });

  it('remembers at most maxRemembered departures, forgetting the oldest first', () => {
    const { meta, memory } = memoryOver({ maxRemembered: 100 });
    for (let id = 0; id < 1000; id++) {
      meta.set(id, { clock: 1 });
      memory.departed([id]);
    }
    expect(memory.remembered).toBe(100);
    expect(meta.size).toBe(100);
    expect(meta.has(999)).toBe(true);
    expect(meta.has(0)).toBe(false);
  });
});
