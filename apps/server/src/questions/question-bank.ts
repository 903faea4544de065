import { randomBytes } from 'node:crypto';
import type { Question, QuestionInput } from '@interview/protocol';
import type { QuestionRecord, RoomStore } from '../storage/room-store.js';
import { BUILT_IN_QUESTIONS } from './built-in-questions.js';

/** 96 random bits, 16 URL-safe characters. */
export function newQuestionId(): string {
  return randomBytes(12).toString('base64url');
}

/** The API's view of a stored question. */
export function questionView(record: QuestionRecord): Question {
  const question: Question = {
    id: record.id,
    title: record.title,
    statement: record.statement,
    starterCode: record.starterCode,
    builtIn: record.builtIn,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
  if (record.hints !== undefined) question.hints = record.hints;
  return question;
}

/**
 * Adds every built-in question the store does not hold yet; resolves with
 * how many were added. One an operator deleted in the database comes back.
 */
export async function seedBuiltInQuestions(store: RoomStore, now = new Date()): Promise<number> {
  let added = 0;
  for (const { id, ...input } of BUILT_IN_QUESTIONS) {
    if (await store.getQuestion(id)) continue;
    try {
      await store.createQuestion({ id, ...input, builtIn: true, createdAt: now, updatedAt: now });
    } catch (error) {
      // Another instance starting on the same database added it first.
      if (await store.getQuestion(id)) continue;
      throw error;
    }
    added++;
  }
  return added;
}

export function newQuestion(input: QuestionInput, now = new Date()): QuestionRecord {
  return { id: newQuestionId(), ...input, builtIn: false, createdAt: now, updatedAt: now };
}
