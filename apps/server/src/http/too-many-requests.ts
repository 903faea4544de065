import type { Response } from 'express';
import type { ApiError } from '@interview/protocol';

/** Answers 429 with `Retry-After` in whole seconds; `what` names what was too many, e.g. "rooms created". */
export function sendTooManyRequests(res: Response, waitMs: number, what: string): void {
  const seconds = Math.ceil(waitMs / 1000);
  res.setHeader('Retry-After', String(seconds));
  res.status(429).json({ error: `too many ${what} from this address; try again in ${seconds} s` } satisfies ApiError);
}
