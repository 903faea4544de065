import { describe, expect, it } from 'vitest';
import type { Question } from '@interview/protocol';
import { draftFromQuestion, emptyDraft, inputFromDraft } from './question-draft.js';

const question: Question = {
  id: 'two-sum',
  title: 'Two sum',
  statement: '# Two sum',
  starterCode: { python: 'def f(): pass\n' },
  hints: 'Use a map.',
  builtIn: true,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('question drafts', () => {
  it('round-trips a question through a draft', () => {
    const draft = draftFromQuestion(question);
    expect(draft).toEqual({ title: 'Two sum', statement: '# Two sum', starterCode: { python: 'def f(): pass\n', javascript: '' }, hints: 'Use a map.' });
    expect(inputFromDraft(draft)).toEqual({ title: 'Two sum', statement: '# Two sum', starterCode: { python: 'def f(): pass\n' }, hints: 'Use a map.' });
  });

  it('names a copy as such', () => {
    expect(draftFromQuestion(question, true).title).toBe('Two sum (copy)');
  });

  it('leaves out empty starter code and hints, and trims the title', () => {
    expect(inputFromDraft({ ...emptyDraft(), title: ' T ', statement: 'S', hints: '  ' })).toEqual({ title: 'T', statement: 'S', starterCode: {} });
  });
});
