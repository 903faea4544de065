import { describe, expect, it } from 'vitest';
import { QuestionLimits, starterCodeFor, validateQuestionInput } from './questions.js';
import { STARTER_CODE } from './room-document.js';

const valid = { title: '  Two sum ', statement: '# Two sum', starterCode: { python: 'def f(): pass\n' }, hints: 'Use a map.' };

describe('validateQuestionInput', () => {
  it('accepts a full question, trimming the title and keeping only known fields', () => {
    const result = validateQuestionInput({ ...valid, id: 'x', builtIn: true });
    expect(result).toEqual({
      ok: true,
      value: { title: 'Two sum', statement: '# Two sum', starterCode: { python: 'def f(): pass\n' }, hints: 'Use a map.' },
    });
  });

  it('drops empty starter code and empty hints; starter code and hints are optional', () => {
    expect(validateQuestionInput({ title: 'T', statement: 'S', starterCode: { python: '  ', javascript: null }, hints: ' ' })).toEqual({
      ok: true,
      value: { title: 'T', statement: 'S', starterCode: {} },
    });
    expect(validateQuestionInput({ title: 'T', statement: 'S' })).toEqual({ ok: true, value: { title: 'T', statement: 'S', starterCode: {} } });
  });

  it('refuses bad bodies with a message naming the field and the limit, without throwing', () => {
    const cases: Array<[unknown, RegExp]> = [
      [null, /JSON object/],
      [[1], /JSON object/],
      ['text', /JSON object/],
      [{ statement: 'S' }, /title is required/],
      [{ title: '   ', statement: 'S' }, /title must not be empty/],
      [{ title: 5, statement: 'S' }, /title must be a string/],
      [{ title: 'x'.repeat(QuestionLimits.titleLength + 1), statement: 'S' }, /title must be at most 120/],
      [{ title: 'T' }, /statement is required/],
      [{ title: 'T', statement: ' ' }, /statement must not be empty/],
      [{ title: 'T', statement: 'x'.repeat(QuestionLimits.statementLength + 1) }, /statement must be at most 20000/],
      [{ title: 'T', statement: 'S', hints: 3 }, /hints must be a string/],
      [{ title: 'T', statement: 'S', hints: 'x'.repeat(QuestionLimits.hintsLength + 1) }, /hints must be at most/],
      [{ title: 'T', statement: 'S', starterCode: 'print(1)' }, /starterCode must be an object/],
      [{ title: 'T', statement: 'S', starterCode: { cobol: 'x' } }, /unknown language "cobol"/],
      [{ title: 'T', statement: 'S', starterCode: { python: 1 } }, /starterCode.python must be a string/],
      [{ title: 'T', statement: 'S', starterCode: { javascript: 'x'.repeat(QuestionLimits.starterCodeLength + 1) } }, /starterCode.javascript must be at most/],
    ];
    for (const [body, message] of cases) {
      const result = validateQuestionInput(body);
      expect(result.ok, JSON.stringify(body)?.slice(0, 80)).toBe(false);
      if (!result.ok) expect(result.error).toMatch(message);
    }
  });
});

describe('starterCodeFor', () => {
  it('uses the question’s code for the language, else the default starter', () => {
    expect(starterCodeFor({ starterCode: { python: 'pass\n' } }, 'python')).toBe('pass\n');
    expect(starterCodeFor({ starterCode: { python: 'pass\n' } }, 'javascript')).toBe(STARTER_CODE.javascript);
  });
});
