import { StateEffect, StateField, type Extension } from '@codemirror/state';
import { Decoration, EditorView, type DecorationSet } from '@codemirror/view';

/** Marks a 1-based line as the one where the last run failed; null clears it. */
export const setErrorLine = StateEffect.define<number | null>();

const errorLineDecoration = Decoration.line({ class: 'cm-errorLine', attributes: { 'aria-invalid': 'true' } });

/**
 * The failing line of the latest run, highlighted. The mark moves with
 * edits and goes away as soon as anyone changes that line.
 */
const errorLineField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(marks, transaction) {
    let next = marks.map(transaction.changes);
    if (transaction.docChanged) {
      transaction.changes.iterChangedRanges((_fromA, _toA, fromB, toB) => {
        const first = transaction.state.doc.lineAt(fromB).from;
        next = next.update({ filter: (lineStart) => lineStart < first || lineStart > toB });
      });
    }
    for (const effect of transaction.effects) {
      if (!effect.is(setErrorLine)) continue;
      const line = effect.value;
      next =
        line !== null && line >= 1 && line <= transaction.state.doc.lines
          ? Decoration.set([errorLineDecoration.range(transaction.state.doc.line(line).from)])
          : Decoration.none;
    }
    return next;
  },
  provide: (field) => EditorView.decorations.from(field),
});

const errorLineTheme = EditorView.baseTheme({
  '.cm-errorLine': { backgroundColor: 'rgba(220, 38, 38, 0.16)', boxShadow: 'inset 3px 0 0 rgb(220, 38, 38)' },
});

export function errorLineHighlight(): Extension {
  return [errorLineField, errorLineTheme];
}

/** The highlighted line, 1-based, or null; for tests and the UI. */
export function highlightedErrorLine(view: EditorView): number | null {
  const marks = view.state.field(errorLineField, false);
  const cursor = marks?.iter();
  return cursor?.value ? view.state.doc.lineAt(cursor.from).number : null;
}
