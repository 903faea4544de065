import { LANGUAGES, type Language, type Question, type QuestionInput } from '@interview/protocol';

/** What the question form edits: every field a string, so inputs bind to it directly. */
export interface QuestionDraft {
  title: string;
  statement: string;
  starterCode: Record<Language, string>;
  hints: string;
}

export function emptyDraft(): QuestionDraft {
  return { title: '', statement: '', starterCode: { python: '', javascript: '' }, hints: '' };
}

/** A draft of an existing question; `copy` names it as a copy (to edit a built-in one). */
export function draftFromQuestion(question: Question, copy = false): QuestionDraft {
  const starterCode = { ...emptyDraft().starterCode };
  for (const language of LANGUAGES) starterCode[language] = question.starterCode[language] ?? '';
  return { title: copy ? `${question.title} (copy)` : question.title, statement: question.statement, starterCode, hints: question.hints ?? '' };
}

/** The request body of a draft; the server validates it again and drops empty starter code and hints. */
export function inputFromDraft(draft: QuestionDraft): QuestionInput {
  const starterCode: QuestionInput['starterCode'] = {};
  for (const language of LANGUAGES) if (draft.starterCode[language].trim() !== '') starterCode[language] = draft.starterCode[language];
  const input: QuestionInput = { title: draft.title.trim(), statement: draft.statement, starterCode };
  if (draft.hints.trim() !== '') input.hints = draft.hints;
  return input;
}
