import { defaultKeymap, indentWithTab } from '@codemirror/commands';
import { markdown } from '@codemirror/lang-markdown';
import { defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { Prec, type Extension } from '@codemirror/state';
import { drawSelection, EditorView, keymap, placeholder } from '@codemirror/view';
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next';
import type { CollabBinding, EditorCompartments } from './extensions.js';
import { colorTheme } from './extensions.js';

const layout = EditorView.theme({
  '&': { fontSize: '14px', minHeight: '8rem', maxHeight: '24rem' },
  '&.cm-focused': { outline: '2px solid var(--accent, #4f46e5)', outlineOffset: '-2px' },
  '.cm-scroller': { fontFamily: 'var(--font-mono)', lineHeight: '1.5', overflow: 'auto' },
  '.cm-content': { padding: '0.5rem 0', paddingTop: '1.2em' },
  '.cm-ySelectionInfo': { opacity: '1', fontFamily: 'var(--font-sans)', fontWeight: '600', padding: '0 4px' },
});

/**
 * A collaborative Markdown editor: wrapped lines, Markdown highlighting,
 * remote cursors, and undo of this person's edits only. No line numbers or
 * code-editor extras: this is prose.
 */
export function markdownEditorExtensions(
  binding: CollabBinding,
  compartments: Pick<EditorCompartments, 'theme'>,
  initial: { dark: boolean; label: string; placeholder: string; describedBy?: string },
): Extension[] {
  const attributes: Record<string, string> = { 'aria-label': initial.label, 'aria-multiline': 'true' };
  if (initial.describedBy) attributes['aria-describedby'] = initial.describedBy;
  return [
    Prec.high(keymap.of(yUndoManagerKeymap)),
    keymap.of([...defaultKeymap, indentWithTab]),
    drawSelection(),
    EditorView.lineWrapping,
    markdown(),
    syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
    placeholder(initial.placeholder),
    compartments.theme.of(colorTheme(initial.dark)),
    layout,
    EditorView.contentAttributes.of(attributes),
    yCollab(binding.text, binding.awareness, { undoManager: binding.undoManager }),
  ];
}
