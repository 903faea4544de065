import { basicSetup } from 'codemirror';
import { indentWithTab } from '@codemirror/commands';
import { javascript } from '@codemirror/lang-javascript';
import { indentUnit } from '@codemirror/language';
import { python } from '@codemirror/lang-python';
import { Compartment, EditorState, Prec, type Extension } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import { oneDark } from '@codemirror/theme-one-dark';
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next';
import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import type { Language } from '@interview/protocol';
import { errorLineHighlight } from './error-line.js';

/** Syntax plus the indentation each community expects (PEP 8: four spaces). */
export function languageSupport(language: Language): Extension {
  switch (language) {
    case 'python':
      return [python(), indentUnit.of('    ')];
    case 'javascript':
      return [javascript(), indentUnit.of('  ')];
  }
}

export function colorTheme(dark: boolean): Extension {
  return dark ? oneDark : [];
}

/** Sizing and remote-cursor labels; colours come from the theme compartment. */
const layout = EditorView.theme({
  '&': { height: '100%', fontSize: '14px' },
  '&.cm-focused': { outline: 'none' },
  '.cm-scroller': { fontFamily: 'var(--font-mono)', lineHeight: '1.55' },
  // Room for the name label of a remote cursor on the first line.
  '.cm-content': { paddingTop: '1.2em' },
  // Always show who is where; the default only shows the name on hover.
  '.cm-ySelectionInfo': {
    opacity: '1',
    fontFamily: 'var(--font-sans)',
    fontWeight: '600',
    borderRadius: '3px 3px 3px 0',
    padding: '0 4px',
  },
});

export interface CollabBinding {
  text: Y.Text;
  awareness: Awareness;
  undoManager: Y.UndoManager;
}

/**
 * The code read-only (a candidate's, once the interview ended): no input,
 * and no undo either, since the Yjs undo manager would otherwise change the
 * document behind CodeMirror's back. Selecting and copying still work, and
 * edits from others still arrive.
 */
export function readOnlyMode(readOnly: boolean): Extension {
  if (!readOnly) return [];
  const refuse = () => true;
  return [
    EditorState.readOnly.of(true),
    Prec.highest(keymap.of([{ key: 'Mod-z', run: refuse }, { key: 'Mod-y', run: refuse }, { key: 'Mod-Shift-z', run: refuse }])),
  ];
}

/** Lets the page swap the language, colour theme and read-only mode of a live editor. */
export class EditorCompartments {
  readonly language = new Compartment();
  readonly theme = new Compartment();
  readonly readOnly = new Compartment();
}

export function editorExtensions(
  binding: CollabBinding,
  compartments: EditorCompartments,
  initial: { language: Language; dark: boolean; readOnly?: boolean; label: string; describedBy?: string },
  /** Ctrl/Cmd+Enter; returns true when it handled the key. */
  onRun: () => boolean = () => false,
): Extension[] {
  const attributes: Record<string, string> = { 'aria-label': initial.label };
  if (initial.describedBy) attributes['aria-describedby'] = initial.describedBy;
  return [
    basicSetup,
    // Undo/redo through the Y.UndoManager, ahead of basicSetup's own history,
    // so Mod-z reverts only this person's edits, never a peer's.
    Prec.high(keymap.of(yUndoManagerKeymap)),
    Prec.highest(keymap.of([{ key: 'Mod-Enter', run: onRun, preventDefault: true }])),
    errorLineHighlight(),
    // Escape then Tab still leaves the editor (CodeMirror's tab-focus mode).
    keymap.of([indentWithTab]),
    compartments.language.of(languageSupport(initial.language)),
    compartments.theme.of(colorTheme(initial.dark)),
    compartments.readOnly.of(readOnlyMode(initial.readOnly ?? false)),
    layout,
    EditorView.contentAttributes.of(attributes),
    yCollab(binding.text, binding.awareness, { undoManager: binding.undoManager }),
  ];
}
