import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { PASSCODE_HEADER, type ApiError } from '@interview/protocol';
import type { SlidingWindowLimit } from './sliding-window-limit.js';
import { sendTooManyRequests } from './too-many-requests.js';

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
 * header the answer is 401. Wrong passcodes count against the client's
 * address in `failedAttempts`; past its limit every passcode from that
 * address gets 429 with `Retry-After` until enough failures age out. A
 * request without the header is not a guess and does not count. The
 * passcode is never logged. Unset, everyone passes.
 */
export function requireInterviewerPasscode(passcode: string | null, failedAttempts?: SlidingWindowLimit): RequestHandler {
  return (req, res, next) => {
    if (passcode === null) {
      next();
      return;
    }
    const presented = req.get(PASSCODE_HEADER);
    if (presented === undefined) {
      res.status(401).json({ error: 'this server requires the interviewer passcode' } satisfies ApiError);
      return;
    }
    // The client's address as TRUST_PROXY allows: behind an untrusted proxy, every client shares the proxy's.
    const client = req.ip ?? 'unknown';
    const waitMs = failedAttempts?.retryAfterMs(client) ?? 0;
    if (waitMs > 0) {
      // Checked before the passcode: a right guess past the limit must not tell itself apart.
      sendTooManyRequests(res, waitMs, 'wrong interviewer passcodes');
      return;
    }
    if (passcodeMatches(passcode, presented)) {
      next();
      return;
    }
    failedAttempts?.record(client);
    res.status(401).json({ error: 'the interviewer passcode is wrong' } satisfies ApiError);
  };
}
