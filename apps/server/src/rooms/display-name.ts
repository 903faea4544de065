import { EventLimits } from '@interview/protocol';

/**
 * A participant's display name from untrusted input: control characters
 * removed, trimmed, at most `EventLimits.nameLength` characters; the
 * fallback when nothing is left.
 */
export function displayName(raw: unknown, fallback = 'Anonymous'): string {
  const name = (typeof raw === 'string' ? raw : '').replace(/\p{Cc}/gu, '').trim().slice(0, EventLimits.nameLength);
  return name || fallback;
}
