import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { PASSCODE_HEADER, type ApiError } from '@interview/protocol';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Whether a presented passcode is the configured one. Both sides are hashed
 * first, so the comparison takes the same time whatever their lengths.
 */
export function passcodeMatches(expected: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  return timingSafeEqual(digest(expected), digest(presented));
}

/**
 * Guards interviewer-only routes (room creation, the question bank) when
 * `INTERVIEWER_PASSCODE` is set: without the right `X-Interviewer-Passcode`
 * header the answer is 401. The passcode is never logged. Unset, everyone passes.
 */
export function requireInterviewerPasscode(passcode: string | null): RequestHandler {
  return (req, res, next) => {
    if (passcode === null) {
      next();
      return;
    }
    const presented = req.get(PASSCODE_HEADER);
    if (passcodeMatches(passcode, presented)) {
      next();
      return;
    }
    const error = presented === undefined ? 'this server requires the interviewer passcode' : 'the interviewer passcode is wrong';
    res.status(401).json({ error } satisfies ApiError);
  };
}
