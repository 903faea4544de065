/** Names of the shared types inside a room's Y.Doc. */
export const RoomDocument = {
  /** Y.Text: the program being written. */
  code: 'code',
  /** Y.Map: shared settings such as the language. */
  meta: 'meta',
} as const;

/** Keys of the `meta` map. */
export const MetaKey = {
  /** "python" or "javascript". */
  language: 'language',
} as const;

export const RunTimeLimit = {
  defaultSeconds: 30,
  minSeconds: 1,
  maxSeconds: 600,
} as const;

/** The room's time limit from an untrusted settings value, clamped; the default when unset. */
export function timeLimitSeconds(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return RunTimeLimit.defaultSeconds;
  return Math.min(RunTimeLimit.maxSeconds, Math.max(RunTimeLimit.minSeconds, Math.round(value)));
}

export const LANGUAGES = ['python', 'javascript'] as const;
export type Language = (typeof LANGUAGES)[number];

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

export const LANGUAGE_LABELS: Record<Language, string> = {
  python: 'Python',
  javascript: 'JavaScript',
};

export const ROLES = ['interviewer', 'candidate'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return value === 'interviewer' || value === 'candidate';
}

/** The code a new room starts with, seeded once by the server. */
export const STARTER_CODE: Record<Language, string> = {
  python: [
    'def greet(name: str) -> str:',
    '    return f"Hello, {name}!"',
    '',
    '',
    'print(greet("world"))',
    '',
  ].join('\n'),
  javascript: [
    'function greet(name) {',
    '  return `Hello, ${name}!`;',
    '}',
    '',
    'console.log(greet("world"));',
    '',
  ].join('\n'),
};

/** What each participant publishes in the awareness `user` field. */
export interface AwarenessUser {
  name: string;
  color: string;
  colorLight: string;
  role: Role;
}
