import { EditorState } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { EditorCompartments, readOnlyMode } from './extensions.js';

describe('readOnlyMode', () => {
  it('makes the state read-only, and can be swapped back at runtime', () => {
    const compartments = new EditorCompartments();
    const locked = EditorState.create({ doc: 'x', extensions: compartments.readOnly.of(readOnlyMode(true)) });
    expect(locked.readOnly).toBe(true);
    const unlocked = locked.update({ effects: compartments.readOnly.reconfigure(readOnlyMode(false)) }).state;
    expect(unlocked.readOnly).toBe(false);
  });
});
