import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { STARTER_CODE } from '@interview/protocol';
import { readRoomSettings, settingsMap } from '../collab/room-settings.js';
import { loadQuestion, replaceText } from './load-question.js';

describe('loadQuestion', () => {
  it('replaces the statement and the code for the room’s language, one update per document, hints left out', () => {
    const statementDoc = new Y.Doc();
    const codeDoc = new Y.Doc();
    const statement = statementDoc.getText('statement');
    const code = codeDoc.getText('code');
    statement.insert(0, 'old statement');
    code.insert(0, 'old code');
    const updates = { statement: 0, code: 0 };
    statementDoc.on('update', () => updates.statement++);
    codeDoc.on('update', () => updates.code++);

    loadQuestion(
      { statement, code, language: 'javascript' },
      { title: 'T', statement: '# New', starterCode: { python: 'py', javascript: 'js();\n' }, hints: 'HINT' },
    );
    expect(statement.toString()).toBe('# New');
    expect(code.toString()).toBe('js();\n');
    expect(updates).toEqual({ statement: 1, code: 1 });
    expect(JSON.stringify(statementDoc.toJSON()) + JSON.stringify(codeDoc.toJSON())).not.toContain('HINT');
  });

  it('records the question id in the statement document’s settings, in the statement’s one update', () => {
    const statementDoc = new Y.Doc();
    const codeDoc = new Y.Doc();
    const settings = settingsMap(statementDoc);
    let updates = 0;
    statementDoc.on('update', () => updates++);
    loadQuestion(
      { statement: statementDoc.getText('statement'), code: codeDoc.getText('code'), language: 'python', settings },
      { id: 'two-sum', title: 'Two sum', statement: '# Two sum', starterCode: {}, hints: 'Use a map.' },
    );
    expect(readRoomSettings(settings).questionId).toBe('two-sum');
    expect(updates).toBe(1);
    expect(JSON.stringify(statementDoc.toJSON())).not.toContain('Use a map');
  });

  it('falls back to the default starter for a language the question has none for', () => {
    const doc = new Y.Doc();
    loadQuestion({ statement: doc.getText('s'), code: doc.getText('c'), language: 'python' }, { title: 'T', statement: 'S', starterCode: {} });
    expect(doc.getText('c').toString()).toBe(STARTER_CODE.python);
  });

  it('replaceText reaches a peer as the new content only', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    a.on('update', (update: Uint8Array) => Y.applyUpdate(b, update));
    a.getText('t').insert(0, 'first');
    replaceText(a.getText('t'), 'second');
    expect(b.getText('t').toString()).toBe('second');
  });
});
