import { EditorState } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { editRefusal, editSizeGuard } from './edit-size.js';

const limits = { maxMessageBytes: 64 * 1024, maxDocumentBytes: 256 * 1024 };

describe('editRefusal', () => {
  const state = EditorState.create({ doc: 'print(1)\n' });

  it('lets typing and ordinary pastes through, and never looks at edits from others', () => {
    expect(editRefusal(state.update({ changes: { from: 0, insert: 'x' }, userEvent: 'input.type' }), limits)).toBeNull();
    expect(editRefusal(state.update({ changes: { from: 0, insert: 'y'.repeat(50_000) }, userEvent: 'input.paste' }), limits)).toBeNull();
    expect(editRefusal(state.update({ changes: { from: 0, insert: 'z'.repeat(100_000) } }), limits)).toBeNull();
  });

  it('refuses a paste that would not fit in one message, counting UTF-8 bytes', () => {
    const ascii = editRefusal(state.update({ changes: { from: 0, insert: 'y'.repeat(70_000) }, userEvent: 'input.paste' }), limits);
    expect(ascii).toMatch(/too large to save: 68 KiB at once, and the server takes at most 60 KiB/);
    // 25 000 characters of 3 bytes each: 73 KiB.
    expect(editRefusal(state.update({ changes: { from: 0, insert: '€'.repeat(25_000) }, userEvent: 'input.paste' }), limits)).toMatch(/73 KiB at once/);
  });

  it('refuses an edit that would grow the document past what the server keeps', () => {
    let big = state;
    for (let i = 0; i < 4; i++) big = big.update({ changes: { from: 0, insert: 'w'.repeat(50_000) } }).state;
    const refusal = editRefusal(big.update({ changes: { from: 0, insert: 'v'.repeat(20_000) }, userEvent: 'input.paste' }), limits);
    expect(refusal).toMatch(/would make the document too large to save: the server keeps about 204 KiB/);
  });
});

describe('editSizeGuard', () => {
  it('drops a refused edit and reports it; without limits every edit passes', async () => {
    const refusals: string[] = [];
    let known: typeof limits | null = limits;
    const state = EditorState.create({ doc: 'a', extensions: editSizeGuard(() => known, (why) => refusals.push(why)) });
    const refused = state.update({ changes: { from: 0, insert: 'y'.repeat(70_000) }, userEvent: 'input.paste' });
    expect(refused.state.doc.toString()).toBe('a');
    await Promise.resolve();
    expect(refusals).toHaveLength(1);
    known = null;
    expect(state.update({ changes: { from: 0, insert: 'y'.repeat(70_000) }, userEvent: 'input.paste' }).state.doc.length).toBe(70_001);
  });
});
