import type * as Y from 'yjs';
import { starterCodeFor, type Language, type QuestionInput } from '@interview/protocol';
import { writeQuestionId } from '../collab/room-settings.js';

/** Origin of the edits a question load makes, so they can be told apart from typing. */
export const QUESTION_LOAD_ORIGIN = Symbol('question-load');

/**
 * Replaces a Y.Text's whole content in one transaction: peers see one
 * update, never a half-empty document. `alsoDo` runs in the same transaction.
 */
export function replaceText(text: Y.Text, content: string, alsoDo: () => void = () => {}): void {
  const apply = () => {
    text.delete(0, text.length);
    text.insert(0, content);
    alsoDo();
  };
  if (text.doc) text.doc.transact(apply, QUESTION_LOAD_ORIGIN);
  else apply();
}

/**
 * Loads a question into a room from an interviewer's browser: the statement
 * channel gets its statement, the code its starter for the room's current
 * language (the default starter when it has none), and the statement
 * document's settings its id, in the statement's transaction, so the room
 * remembers its question. Hints are not written anywhere shared: the
 * interviewers' browsers fetch them by that id.
 */
export function loadQuestion(
  target: { statement: Y.Text; code: Y.Text; language: Language; settings?: Y.Map<unknown> },
  question: QuestionInput & { id?: string },
): void {
  const { settings } = target;
  const { id } = question;
  replaceText(target.statement, question.statement, () => {
    if (settings && id !== undefined) writeQuestionId(settings, id);
  });
  replaceText(target.code, starterCodeFor(question, target.language));
}
