import type { SignalEvent, SignalRecordView } from '@interview/protocol';
import { clockTime, spokenDuration } from '../format/time.js';

/**
 * The candidate's signals as the interviewers' panel lists them: the stored
 * ones (`GET /signals`) merged with those heard live, without duplicates,
 * oldest first.
 */

/** A signal heard live; null when the relay did not stamp it (it always does, so this is a foreign frame). */
export function signalFromEvent(event: SignalEvent): SignalRecordView | null {
  const { kind, by, at, chars, lines, awayMs } = event.payload;
  if (!by || !at) return null;
  const signal: SignalRecordView = { kind, at, by };
  if (chars !== undefined) signal.chars = chars;
  if (lines !== undefined) signal.lines = lines;
  if (awayMs !== undefined) signal.awayMs = awayMs;
  return signal;
}

/** Identifies one signal: the same signal heard live and then read from the server has the same key. */
export function signalKey(signal: SignalRecordView): string {
  return [signal.at, signal.kind, signal.by.role, signal.by.name, signal.chars ?? '', signal.lines ?? '', signal.awayMs ?? ''].join('|');
}

/** Adds signals to a list: new ones only, sorted by the relay's time (ISO strings of one clock sort as text). */
export function mergeSignals(current: readonly SignalRecordView[], incoming: readonly SignalRecordView[]): SignalRecordView[] {
  const seen = new Set(current.map(signalKey));
  const added = incoming.filter((signal) => {
    const key = signalKey(signal);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (added.length === 0) return [...current];
  return [...current, ...added].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/** "Pasted 412 characters (18 lines)", "Left the tab", "Back after 1 min 12 s". */
export function describeSignal(signal: SignalRecordView): string {
  switch (signal.kind) {
    case 'paste': {
      const chars = plural(signal.chars ?? 0, 'character', 'characters');
      return signal.lines === undefined ? `Pasted ${chars}` : `Pasted ${chars} (${plural(signal.lines, 'line', 'lines')})`;
    }
    case 'focus-lost':
      return 'Left the tab';
    case 'focus-returned':
      return signal.awayMs === undefined ? 'Back on the tab' : `Back after ${spokenDuration(signal.awayMs)}`;
  }
}

/** The line the panel shows: "Pasted 412 characters (18 lines) · 10:03:12". */
export function signalLine(signal: SignalRecordView): string {
  const time = clockTime(signal.at);
  return time ? `${describeSignal(signal)} · ${time}` : describeSignal(signal);
}
