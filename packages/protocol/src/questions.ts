import { LANGUAGES, STARTER_CODE, type Language } from './room-document.js';

/** Starter code of a question, per language; a language without one starts from the default starter. */
export type StarterCode = Partial<Record<Language, string>>;

/** What an interviewer writes when creating or editing a question (`POST` / `PUT /api/questions`). */
export interface QuestionInput {
  title: string;
  /** Markdown, shown to everyone in the room. */
  statement: string;
  starterCode: StarterCode;
  /** Markdown for interviewers only; never written to a room's shared documents. */
  hints?: string;
}

/** A question of the bank, as the API returns it. */
export interface Question extends QuestionInput {
  id: string;
  /** Shipped with the server: cannot be edited or deleted through the API (copy it instead). */
  builtIn: boolean;
  createdAt: string;
  updatedAt: string;
}

/** Response of `GET /api/questions`. */
export interface QuestionList {
  questions: Question[];
}

export const QuestionLimits = {
  titleLength: 120,
  statementLength: 20_000,
  starterCodeLength: 20_000,
  hintsLength: 10_000,
} as const;

/** Ids of built-in questions are slugs; created ones are 16 random URL-safe characters. */
export const QUESTION_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export type QuestionValidation = { ok: true; value: QuestionInput } | { ok: false; error: string };

function text(body: Record<string, unknown>, field: string, max: number, required: boolean): string | { error: string } {
  const value = body[field];
  if (value === undefined || value === null) return required ? { error: `${field} is required` } : '';
  if (typeof value !== 'string') return { error: `${field} must be a string` };
  if (value.length > max) return { error: `${field} must be at most ${max} characters` };
  return value;
}

/**
 * Checks an untrusted request body and copies the known fields; never throws.
 * The title is trimmed and required; the statement is required; empty starter
 * code and empty hints are dropped.
 */
export function validateQuestionInput(body: unknown): QuestionValidation {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, error: 'the body must be a JSON object' };
  const fields = body as Record<string, unknown>;
  const title = text(fields, 'title', Infinity, true);
  if (typeof title !== 'string') return { ok: false, error: title.error };
  const trimmedTitle = title.trim();
  if (trimmedTitle === '') return { ok: false, error: 'title must not be empty' };
  if (trimmedTitle.length > QuestionLimits.titleLength) {
    return { ok: false, error: `title must be at most ${QuestionLimits.titleLength} characters` };
  }
  const statement = text(fields, 'statement', QuestionLimits.statementLength, true);
  if (typeof statement !== 'string') return { ok: false, error: statement.error };
  if (statement.trim() === '') return { ok: false, error: 'statement must not be empty' };
  const hints = text(fields, 'hints', QuestionLimits.hintsLength, false);
  if (typeof hints !== 'string') return { ok: false, error: hints.error };

  const rawStarter = fields.starterCode ?? {};
  if (typeof rawStarter !== 'object' || rawStarter === null || Array.isArray(rawStarter)) {
    return { ok: false, error: 'starterCode must be an object keyed by language' };
  }
  const starterCode: StarterCode = {};
  for (const [language, code] of Object.entries(rawStarter)) {
    if (!(LANGUAGES as readonly string[]).includes(language)) {
      return { ok: false, error: `starterCode has an unknown language "${language.slice(0, 40)}" (use ${LANGUAGES.join(' or ')})` };
    }
    if (code === undefined || code === null) continue;
    if (typeof code !== 'string') return { ok: false, error: `starterCode.${language} must be a string` };
    if (code.length > QuestionLimits.starterCodeLength) {
      return { ok: false, error: `starterCode.${language} must be at most ${QuestionLimits.starterCodeLength} characters` };
    }
    if (code.trim() !== '') starterCode[language as Language] = code;
  }
  const value: QuestionInput = { title: trimmedTitle, statement, starterCode };
  if (hints.trim() !== '') value.hints = hints;
  return { ok: true, value };
}

/** The code a room in `language` starts with for this question: its own starter, else the default one. */
export function starterCodeFor(question: Pick<QuestionInput, 'starterCode'>, language: Language): string {
  return question.starterCode[language] ?? STARTER_CODE[language];
}
