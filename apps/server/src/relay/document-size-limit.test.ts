import { describe, expect, it } from 'vitest';
import { DocumentSizeLimit } from './document-size-limit.js';

/** A limit over a document whose true size the test sets, counting measurements. */
function watched(maxBytes: number, initialEstimate: number) {
  const state = { size: initialEstimate, measured: 0, now: 0 };
  const limit = new DocumentSizeLimit({
    maxBytes,
    initialEstimate,
    measure: () => {
      state.measured++;
      return state.size;
    },
    now: () => state.now,
  });
  return { limit, state };
}

describe('DocumentSizeLimit', () => {
  it('admits updates while the estimate leaves room, without measuring', () => {
    const { limit, state } = watched(1000, 100);
    expect(limit.admits(500)).toBe(true);
    limit.grew(500);
    expect(limit.admits(400)).toBe(true);
    expect(state.measured).toBe(0);
  });

  it('measures when the estimate says no, and admits when the true size leaves room', () => {
    const { limit, state } = watched(1000, 900);
    // Merged updates take less room than their sum: the document holds 300 bytes.
    state.size = 300;
    expect(limit.admits(500)).toBe(true);
    expect(state.measured).toBe(1);
    limit.grew(500);
    state.size = 800;
    // 500 bytes added since the measurement: worth measuring again.
    expect(limit.admits(300)).toBe(false);
    expect(state.measured).toBe(2);
    // Nothing added since: refused on the estimate.
    expect(limit.admits(300)).toBe(false);
    expect(state.measured).toBe(2);
  });

  it('measures again only after a sixteenth of the limit was added, however often it is asked', () => {
    const { limit, state } = watched(1600, 1600);
    state.size = 1600;
    for (let i = 0; i < 100; i++) expect(limit.admits(10)).toBe(false);
    expect(state.measured).toBe(1);
    limit.grew(99);
    expect(limit.admits(10)).toBe(false);
    expect(state.measured).toBe(1);
    limit.grew(1);
    state.size = 1000;
    expect(limit.admits(10)).toBe(true);
    expect(state.measured).toBe(2);
  });

  it('after deletions, measures again at most once a second, so a document at its limit can shrink and take edits', () => {
    const { limit, state } = watched(1000, 1000);
    expect(limit.admits(10)).toBe(false);
    expect(state.measured).toBe(1);
    limit.shrank();
    state.size = 200;
    state.now = 999;
    expect(limit.admits(10)).toBe(false);
    expect(state.measured).toBe(1);
    state.now = 1000;
    expect(limit.admits(10)).toBe(true);
    expect(state.measured).toBe(2);
    // Without a new deletion, later asks are answered from the estimate.
    state.size = 100;
    state.now = 5000;
    expect(limit.admits(900)).toBe(false);
    expect(state.measured).toBe(2);
  });
});
