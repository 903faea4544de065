import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { QUESTION_ID_PATTERN, validateQuestionInput } from '@interview/protocol';
import { SqliteRoomStore } from '../storage/sqlite-store.js';
import { BUILT_IN_QUESTIONS } from './built-in-questions.js';
import { newQuestion, questionView, seedBuiltInQuestions } from './question-bank.js';

const dirs: string[] = [];
const stores: SqliteRoomStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function openStore(): SqliteRoomStore {
  const dir = mkdtempSync(join(tmpdir(), 'interview-questions-'));
  dirs.push(dir);
  const store = new SqliteRoomStore(dir);
  stores.push(store);
  return store;
}

describe('built-in questions', () => {
  it('are 5 or more valid questions with unique ids, starter code for both languages and hints', () => {
    expect(BUILT_IN_QUESTIONS.length).toBeGreaterThanOrEqual(5);
    expect(new Set(BUILT_IN_QUESTIONS.map((q) => q.id)).size).toBe(BUILT_IN_QUESTIONS.length);
    for (const { id, ...input } of BUILT_IN_QUESTIONS) {
      expect(id).toMatch(QUESTION_ID_PATTERN);
      expect(validateQuestionInput(input)).toEqual({ ok: true, value: input });
      expect(input.starterCode.python, id).toBeTruthy();
      expect(input.starterCode.javascript, id).toBeTruthy();
      expect(input.hints, id).toBeTruthy();
    }
  });

  it('are seeded once: a second start adds nothing and keeps what was there', async () => {
    const store = openStore();
    expect(await seedBuiltInQuestions(store)).toBe(BUILT_IN_QUESTIONS.length);
    const first = await store.listQuestions();
    expect(first.every((q) => q.builtIn)).toBe(true);
    expect(await seedBuiltInQuestions(store)).toBe(0);
    expect(await store.listQuestions()).toEqual(first);
  });
});

describe('newQuestion and questionView', () => {
  it('gives a created question a random id and ISO times in the API view', () => {
    const now = new Date(Date.UTC(2026, 1, 3));
    const record = newQuestion({ title: 'T', statement: 'S', starterCode: {} }, now);
    expect(record.id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(newQuestion({ title: 'T', statement: 'S', starterCode: {} }).id).not.toBe(record.id);
    expect(questionView(record)).toEqual({
      id: record.id,
      title: 'T',
      statement: 'S',
      starterCode: {},
      builtIn: false,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    });
  });
});
