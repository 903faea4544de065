/** The part of `window` the guard needs. */
export interface LeaveTarget {
  addEventListener(type: 'beforeunload', listener: (event: BeforeUnloadEvent) => void): void;
  removeEventListener(type: 'beforeunload', listener: (event: BeforeUnloadEvent) => void): void;
}

/**
 * Asks for confirmation before the page is left (closed, reloaded,
 * navigated away) while `unsynced()` says changes have not reached the
 * server, and only then: a prompt on every exit would teach people to
 * click through it. Returns the function that removes the guard.
 */
export function guardUnsavedChanges(target: LeaveTarget, unsynced: () => boolean): () => void {
  const onBeforeUnload = (event: BeforeUnloadEvent): void => {
    if (!unsynced()) return;
    event.preventDefault();
    // Browsers that predate preventDefault() here prompt only when returnValue is set.
    event.returnValue = '';
  };
  target.addEventListener('beforeunload', onBeforeUnload);
  return () => target.removeEventListener('beforeunload', onBeforeUnload);
}
