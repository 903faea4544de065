/** The parts of `window` and `document` that tell whether the person is on this tab. */
export interface PresenceSources {
  window: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;
  document: Pick<EventTarget, 'addEventListener' | 'removeEventListener'> & {
    readonly visibilityState: DocumentVisibilityState;
    hasFocus(): boolean;
  };
}

/**
 * Calls `onChange(false)` when the tab is hidden or the window loses focus,
 * and `onChange(true)` once it is both visible and focused again. Browsers
 * fire these in different orders (switching tabs: visibilitychange then
 * blur; coming back: visibilitychange then focus), so each event reports
 * what it knows and the receiver ignores repeats. Returns the unsubscribe.
 */
export function watchPresence(sources: PresenceSources, onChange: (present: boolean) => void): () => void {
  const { window: win, document: doc } = sources;
  const onBlur = () => onChange(false);
  const onFocus = () => {
    if (doc.visibilityState === 'visible') onChange(true);
  };
  const onVisibility = () => {
    if (doc.visibilityState === 'hidden') onChange(false);
    // Visible but not yet focused: the focus event that follows says it.
    else if (doc.hasFocus()) onChange(true);
  };
  win.addEventListener('blur', onBlur);
  win.addEventListener('focus', onFocus);
  doc.addEventListener('visibilitychange', onVisibility);
  return () => {
    win.removeEventListener('blur', onBlur);
    win.removeEventListener('focus', onFocus);
    doc.removeEventListener('visibilitychange', onVisibility);
  };
}
