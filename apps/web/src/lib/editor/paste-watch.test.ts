import { EditorSelection, EditorState } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { pastedText } from './paste-watch.js';

const state = EditorState.create({ doc: 'hello\nworld', extensions: EditorState.allowMultipleSelections.of(true) });

describe('pastedText', () => {
  it('returns the text of a paste or an outside drop', () => {
    expect(pastedText(state.update({ changes: { from: 0, insert: 'a\nb\nc' }, userEvent: 'input.paste' }))).toBe('a\nb\nc');
    expect(pastedText(state.update({ changes: { from: 0, insert: 'dropped' }, userEvent: 'input.drop' }))).toBe('dropped');
  });

  it('ignores typing, moves inside the editor and remote edits', () => {
    expect(pastedText(state.update({ changes: { from: 0, insert: 'x' }, userEvent: 'input.type' }))).toBeNull();
    expect(pastedText(state.update({ changes: { from: 0, insert: 'moved' }, userEvent: 'move.drop' }))).toBeNull();
    expect(pastedText(state.update({ changes: { from: 0, insert: 'from a peer' } }))).toBeNull();
  });

  it('counts a paste at several cursors once, and a paste that only replaced text with nothing not at all', () => {
    const twoCursors = state.update({ selection: EditorSelection.create([EditorSelection.cursor(0), EditorSelection.cursor(6)]) }).state;
    const paste = twoCursors.update(twoCursors.replaceSelection('same'), { userEvent: 'input.paste' });
    expect(pastedText(paste)).toBe('same');
    expect(pastedText(state.update({ changes: { from: 0, to: 5 }, userEvent: 'input.paste' }))).toBeNull();
  });
});
