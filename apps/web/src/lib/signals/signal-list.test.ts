import { describe, expect, it } from 'vitest';
import type { SignalRecordView } from '@interview/protocol';
import { describeSignal, mergeSignals, signalFromEvent, signalLine } from './signal-list.js';

const ada = { name: 'Ada', role: 'candidate' as const };
const at = (h: number, m: number, s: number) => new Date(2026, 2, 1, h, m, s).toISOString();
const paste: SignalRecordView = { kind: 'paste', at: at(10, 3, 12), by: ada, chars: 412, lines: 18 };
const left: SignalRecordView = { kind: 'focus-lost', at: at(10, 4, 0), by: ada };
const back: SignalRecordView = { kind: 'focus-returned', at: at(10, 5, 12), by: ada, awayMs: 72_000 };

describe('signalFromEvent', () => {
  it('takes a stamped event as a record', () => {
    expect(signalFromEvent({ type: 'signal', payload: { kind: 'paste', chars: 412, lines: 18, by: ada, at: paste.at } })).toEqual(paste);
  });

  it('ignores an unstamped one', () => {
    expect(signalFromEvent({ type: 'signal', payload: { kind: 'focus-lost' } })).toBeNull();
  });
});

describe('mergeSignals', () => {
  it('merges stored and live signals without duplicates, oldest first', () => {
    const live = mergeSignals([], [back]);
    const merged = mergeSignals(live, [paste, left, back]);
    expect(merged).toEqual([paste, left, back]);
    expect(mergeSignals(merged, [{ ...back }])).toEqual(merged);
  });

  it('keeps two identical-looking pastes at different times', () => {
    const later = { ...paste, at: at(10, 9, 0) };
    expect(mergeSignals([paste], [later])).toHaveLength(2);
  });
});

describe('describeSignal', () => {
  it('says what happened, in the words of the panel', () => {
    expect(signalLine(paste)).toBe('Pasted 412 characters (18 lines) · 10:03:12');
    expect(signalLine(left)).toBe('Left the tab · 10:04:00');
    expect(signalLine(back)).toBe('Back after 1 min 12 s · 10:05:12');
  });

  it('handles singulars and missing details', () => {
    expect(describeSignal({ ...paste, chars: 90, lines: 1 })).toBe('Pasted 90 characters (1 line)');
    expect(describeSignal({ kind: 'focus-returned', at: back.at, by: ada })).toBe('Back on the tab');
  });
});
