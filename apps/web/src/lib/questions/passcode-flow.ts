import { ApiRequestError } from '../api.js';

/**
 * Where an interviewer stands with the server's passcode:
 * - `checking`: the configuration is loading;
 * - `needs-passcode`: the server wants a passcode this tab does not have (or had wrong);
 * - `ready`: interviewer-only calls may go out (with the passcode, if any).
 */
export type AccessPhase = 'checking' | 'needs-passcode' | 'ready';

export interface AccessState {
  phase: AccessPhase;
  /** Why the passcode is asked for again, if it was refused. */
  error: string | null;
}

/** The phase once the configuration is known: ask up front when the server needs a passcode and the tab has none. */
export function initialAccess(passcodeRequired: boolean, remembered: string | null): AccessState {
  return { phase: passcodeRequired && remembered === null ? 'needs-passcode' : 'ready', error: null };
}

/** After a failed interviewer-only call: a 401 means the passcode is missing or wrong, so ask for it; anything else is not ours. */
export function accessAfterFailure(error: unknown): AccessState | null {
  if (!(error instanceof ApiRequestError) || error.status !== 401) return null;
  const wrong = /wrong/i.test(error.message);
  return {
    phase: 'needs-passcode',
    error: wrong ? 'That passcode is not right. Try again.' : 'This server needs the interviewer passcode.',
  };
}

/** A typed passcode as sent: surrounding spaces removed; null when nothing is left. */
export function normalizePasscode(raw: string): string | null {
  const trimmed = raw.trim();
  return trimmed === '' ? null : trimmed;
}
