import { describe, expect, it } from 'vitest';
import { validateRoomEvent, type RoomEvent } from '@interview/protocol';
import { captureSignals } from './signal-capture.js';

describe('captureSignals', () => {
  it('sends valid signal events for focus changes and large pastes, until stopped', () => {
    const sent: RoomEvent[] = [];
    const win = new EventTarget();
    const doc = Object.assign(new EventTarget(), { visibilityState: 'visible' as DocumentVisibilityState, hasFocus: () => true });
    const { tracker, stop } = captureSignals((event) => {
      sent.push(event);
      return true;
    }, { window: win, document: doc });
    win.dispatchEvent(new Event('blur'));
    win.dispatchEvent(new Event('focus'));
    tracker.pasted('line\n'.repeat(18));
    stop();
    win.dispatchEvent(new Event('blur'));
    expect(sent).toEqual([
      { type: 'signal', payload: { kind: 'focus-lost' } },
      { type: 'signal', payload: { kind: 'focus-returned' } },
      { type: 'signal', payload: { kind: 'paste', chars: 90, lines: 18 } },
    ]);
    for (const event of sent) expect(validateRoomEvent(event).ok).toBe(true);
  });
});
