import { describe, expect, it } from 'vitest';
import { watchPresence, type PresenceSources } from './presence-watch.js';

/** A window and document made of plain EventTargets, with visibility and focus the test sets. */
function fakeBrowser() {
  const win = new EventTarget();
  const doc = Object.assign(new EventTarget(), {
    visibilityState: 'visible' as DocumentVisibilityState,
    focused: true,
    hasFocus(): boolean {
      return this.focused;
    },
  });
  const sources: PresenceSources = { window: win, document: doc };
  return { win, doc, sources };
}

describe('watchPresence', () => {
  it('reports a blur and a focus of the window', () => {
    const { win, sources } = fakeBrowser();
    const seen: boolean[] = [];
    watchPresence(sources, (present) => seen.push(present));
    win.dispatchEvent(new Event('blur'));
    win.dispatchEvent(new Event('focus'));
    expect(seen).toEqual([false, true]);
  });

  it('reports the tab hidden, and back only once it is visible and focused', () => {
    const { win, doc, sources } = fakeBrowser();
    const seen: boolean[] = [];
    watchPresence(sources, (present) => seen.push(present));
    doc.visibilityState = 'hidden';
    doc.focused = false;
    doc.dispatchEvent(new Event('visibilitychange'));
    // Focus arriving while still hidden (a window manager quirk) is not a return.
    win.dispatchEvent(new Event('focus'));
    doc.visibilityState = 'visible';
    doc.dispatchEvent(new Event('visibilitychange'));
    expect(seen).toEqual([false]);
    doc.focused = true;
    win.dispatchEvent(new Event('focus'));
    expect(seen).toEqual([false, true]);
    doc.visibilityState = 'hidden';
    doc.dispatchEvent(new Event('visibilitychange'));
    doc.visibilityState = 'visible';
    doc.dispatchEvent(new Event('visibilitychange'));
    expect(seen).toEqual([false, true, false, true]);
  });

  it('stops listening when unsubscribed', () => {
    const { win, sources } = fakeBrowser();
    const seen: boolean[] = [];
    const stop = watchPresence(sources, (present) => seen.push(present));
    stop();
    win.dispatchEvent(new Event('blur'));
    expect(seen).toEqual([]);
  });
});
