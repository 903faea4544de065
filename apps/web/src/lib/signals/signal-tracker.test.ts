import { describe, expect, it } from 'vitest';
import { LARGE_PASTE } from '@interview/protocol';
import { countLines, pasteSize, SignalTracker, type OutgoingSignal } from './signal-tracker.js';

function tracker(online = true): { tracker: SignalTracker; sent: OutgoingSignal[]; setOnline: (value: boolean) => void } {
  const sent: OutgoingSignal[] = [];
  let connected = online;
  const tracker = new SignalTracker((signal) => {
    if (!connected) return false;
    sent.push(signal);
    return true;
  });
  return { tracker, sent, setOnline: (value) => (connected = value) };
}

describe('paste size', () => {
  it('counts lines as a person does', () => {
    expect(countLines('')).toBe(0);
    expect(countLines('one line')).toBe(1);
    expect(countLines('a\nb\nc')).toBe(3);
    expect(countLines('a\nb\nc\n')).toBe(3);
    expect(countLines('a\r\nb\rc')).toBe(3);
    expect(countLines('\n\n')).toBe(2);
  });

  it('counts characters as code points', () => {
    expect(pasteSize('héllo 😀')).toEqual({ chars: 7, lines: 1 });
  });
});

describe('SignalTracker', () => {
  it('reports large pastes only', () => {
    const { tracker: t, sent } = tracker();
    t.pasted('x = 1');
    t.pasted('a\nb');
    t.pasted('y'.repeat(LARGE_PASTE.chars - 1));
    expect(sent).toEqual([]);
    t.pasted('y'.repeat(412));
    t.pasted('a\nb\nc');
    expect(sent).toEqual([
      { kind: 'paste', chars: 412, lines: 1 },
      { kind: 'paste', chars: 5, lines: 3 },
    ]);
  });

  it('reports leaving once, however many events say so, and the return once', () => {
    const { tracker: t, sent } = tracker();
    t.presence(true); // already present: nothing to say
    t.presence(false); // visibilitychange hidden
    t.presence(false); // blur
    t.presence(true); // visibilitychange visible
    t.presence(true); // focus
    t.presence(false);
    t.presence(true);
    expect(sent.map((s) => s.kind)).toEqual(['focus-lost', 'focus-returned', 'focus-lost', 'focus-returned']);
  });

  it('does not report a return for an absence that never reached the room', () => {
    const { tracker: t, sent, setOnline } = tracker(false);
    t.presence(false);
    setOnline(true);
    t.presence(true);
    expect(sent).toEqual([]);
    t.presence(false);
    t.presence(true);
    expect(sent.map((s) => s.kind)).toEqual(['focus-lost', 'focus-returned']);
  });

  it('reports nothing new while paused, but closes an absence reported before', () => {
    const { tracker: t, sent } = tracker();
    t.presence(false);
    t.setPaused(true);
    t.presence(true);
    t.presence(false);
    t.presence(true);
    t.pasted('z'.repeat(500));
    expect(sent.map((s) => s.kind)).toEqual(['focus-lost', 'focus-returned']);
    t.setPaused(false);
    t.pasted('z'.repeat(500));
    expect(sent.at(-1)).toEqual({ kind: 'paste', chars: 500, lines: 1 });
  });
});
