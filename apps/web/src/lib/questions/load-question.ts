import type * as Y from 'yjs';
import { starterCodeFor, type Language, type QuestionInput } from '@interview/protocol';

/** Origin of the edits a question load makes, so they can be told apart from typing. */
export const QUESTION_LOAD_ORIGIN = Symbol('question-load');

/** Replaces a Y.Text's whole content in one transaction: peers see one update, never a half-empty document. */
export function replaceText(text: Y.Text, content: string): void {
  const apply = () => {
    text.delete(0, text.length);
    text.insert(0, content);
  };
  if (text.doc) text.doc.transact(apply, QUESTION_LOAD_ORIGIN);
  else apply();
}

/**
 * Loads a question into a room from an interviewer's browser: the statement
 * channel gets its statement, the code its starter for the room's current
 * language (the default starter when it has none). Hints are not written
 * anywhere shared: the caller shows them to this interviewer only.
 */
export function loadQuestion(target: { statement: Y.Text; code: Y.Text; language: Language }, question: QuestionInput): void {
  replaceText(target.statement, question.statement);
  replaceText(target.code, starterCodeFor(question, target.language));
}
