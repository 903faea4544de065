import { isLargePaste, type RunAuthor, type SignalEvent } from '@interview/protocol';
import type { SignalRecord } from '../storage/room-store.js';

export type SignalOutcome =
  /** Store `record` and send `event` to the interviewers. */
  | { action: 'accept'; event: SignalEvent; record: SignalRecord }
  /** Ignore it; the socket stays open (a well-behaved client may send it). */
  | { action: 'drop'; reason: string }
  /** Close the sender's socket: no well-formed client sends it. */
  | { action: 'refuse'; reason: string };

/**
 * Turns the signals a candidate's browser reports into what interviewers
 * see. Everything the relay can know itself it stamps, ignoring the
 * client's values: who (`by`, from the connection), when (`at`, its clock)
 * and, on `focus-returned`, how long focus was away (`awayMs`, measured
 * from the `focus-lost` it received on the same connection).
 */
export class SignalStamper {
  /** Per connection, when the first focus-lost still unanswered arrived (ms since the epoch). */
  private readonly focusLostAt = new WeakMap<object, number>();

  stamp(source: object, author: RunAuthor, payload: SignalEvent['payload'], now: Date): SignalOutcome {
    // Signals describe the candidate; an interviewer's browser has no business sending one.
    if (author.role !== 'candidate') return { action: 'drop', reason: `signals come from candidates only, not from an ${author.role}` };
    const by = { name: author.name, role: author.role };
    const record: SignalRecord = { kind: payload.kind, at: now, by };
    switch (payload.kind) {
      case 'paste': {
        const { chars, lines } = payload;
        if (chars === undefined || lines === undefined) return { action: 'refuse', reason: 'a paste signal needs payload.chars and payload.lines' };
        if (!isLargePaste(chars, lines)) return { action: 'drop', reason: `a paste of ${chars} characters on ${lines} lines is not large` };
        record.chars = chars;
        record.lines = lines;
        break;
      }
      case 'focus-lost':
        // A second focus-lost before focus returned does not restart the absence.
        if (!this.focusLostAt.has(source)) this.focusLostAt.set(source, now.getTime());
        break;
      case 'focus-returned': {
        const lostAt = this.focusLostAt.get(source);
        this.focusLostAt.delete(source);
        if (lostAt !== undefined) record.awayMs = Math.max(0, now.getTime() - lostAt);
        break;
      }
    }
    return { action: 'accept', event: signalEvent(record), record };
  }
}

/** The event interviewers receive for a stored signal. */
export function signalEvent(record: SignalRecord): SignalEvent {
  const payload: SignalEvent['payload'] = { kind: record.kind, by: { ...record.by }, at: record.at.toISOString() };
  if (record.chars !== undefined) payload.chars = record.chars;
  if (record.lines !== undefined) payload.lines = record.lines;
  if (record.awayMs !== undefined) payload.awayMs = record.awayMs;
  return { type: 'signal', payload };
}
