import type { Extension, Transaction } from '@codemirror/state';
import { EditorView } from '@codemirror/view';

/**
 * The text a transaction brought in from outside the editor: a paste, or
 * text dropped from another window (`input.drop`; a drag inside the editor
 * is `move.drop` and is not counted). null for anything else, remote edits
 * from Yjs included.
 */
export function pastedText(transaction: Transaction): string | null {
  if (!transaction.docChanged) return null;
  if (!transaction.isUserEvent('input.paste') && !transaction.isUserEvent('input.drop')) return null;
  const parts: string[] = [];
  transaction.changes.iterChanges((_fromA, _toA, _fromB, _toB, inserted) => {
    if (inserted.length > 0) parts.push(inserted.toString());
  });
  // With several cursors the same text lands several times; the person pasted it once.
  const distinct = [...new Set(parts)];
  return distinct.length === 0 ? null : distinct.join('\n');
}

/** Calls `onPaste` with the text of every paste into the editor, after it was applied. */
export function pasteWatcher(onPaste: (text: string) => void): Extension {
  return EditorView.updateListener.of((update) => {
    for (const transaction of update.transactions) {
      const text = pastedText(transaction);
      if (text !== null) onPaste(text);
    }
  });
}
