import { describe, expect, it } from 'vitest';
import { guardUnsavedChanges, type LeaveTarget } from './leave-guard.js';

/** A window stand-in holding one beforeunload listener, and an event that records whether it was cancelled. */
function setup() {
  let listener: ((event: BeforeUnloadEvent) => void) | null = null;
  const target: LeaveTarget = {
    addEventListener: (_type, added) => {
      listener = added;
    },
    removeEventListener: (_type, removed) => {
      if (listener === removed) listener = null;
    },
  };
  const leave = (): { prompted: boolean } | null => {
    if (!listener) return null;
    const event = {
      defaultPrevented: false,
      returnValue: undefined as unknown,
      preventDefault() {
        this.defaultPrevented = true;
      },
    };
    // The listener reads and writes only these two members of BeforeUnloadEvent.
    listener(event as unknown as BeforeUnloadEvent);
    return { prompted: event.defaultPrevented && event.returnValue === '' };
  };
  return { target, leave };
}

describe('guardUnsavedChanges', () => {
  it('asks for confirmation only while changes are unsynced', () => {
    const { target, leave } = setup();
    let unsynced = false;
    guardUnsavedChanges(target, () => unsynced);
    expect(leave()).toEqual({ prompted: false });
    unsynced = true;
    expect(leave()).toEqual({ prompted: true });
    unsynced = false;
    expect(leave()).toEqual({ prompted: false });
  });

  it('is removed by the function it returns', () => {
    const { target, leave } = setup();
    const remove = guardUnsavedChanges(target, () => true);
    remove();
    expect(leave()).toBeNull();
  });
});
