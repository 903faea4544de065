import type { RunAuthor, RunStatus, SignalRecordView } from '@interview/protocol';
import { ROLE_LABELS } from '../room/room-entry.js';

/**
 * How the review shows times, durations, statuses and signals; shared by
 * the page and the Markdown report, so both say the same thing. Times are
 * rendered from parts with fixed English month names and a 24-hour clock,
 * so a given instant and time zone always give the same text whatever the
 * browser's language: tests pin the zone, the page uses the viewer's.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export interface TimeFormat {
  /** The zone's short name at that instant (it changes with daylight saving time), e.g. "UTC", "GMT+1", "PST". */
  zoneName(iso: string): string;
  /** "14 Nov 2026, 09:05 UTC"; an unparsable value is returned as is. */
  dateTime(iso: string): string;
  /** "09:05:03" when `iso` falls on the same day as `sameDayAs`, else "15 Nov 2026, 09:05:03". */
  moment(iso: string, sameDayAs: string): string;
  /** "2026-11-14", for file names. */
  isoDate(iso: string): string;
}

interface Parts {
  year: string;
  month: number;
  day: string;
  hour: string;
  minute: string;
  second: string;
  zone: string;
}

/** A formatter for one time zone (an IANA name such as "Europe/Paris"); the system's zone when omitted. */
export function createTimeFormat(timeZone?: string): TimeFormat {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  });

  function parts(iso: string): Parts | null {
    const time = Date.parse(iso);
    if (Number.isNaN(time)) return null;
    const found: Record<string, string> = {};
    for (const part of format.formatToParts(time)) found[part.type] = part.value;
    return {
      year: found.year ?? '',
      month: Number(found.month),
      day: found.day ?? '',
      hour: found.hour ?? '',
      minute: found.minute ?? '',
      second: found.second ?? '',
      zone: found.timeZoneName ?? '',
    };
  }

  const date = (p: Parts) => `${Number(p.day)} ${MONTHS[p.month - 1] ?? '?'} ${p.year}`;
  const isoDateOf = (p: Parts) => `${p.year}-${String(p.month).padStart(2, '0')}-${p.day}`;

  return {
    zoneName(iso) {
      return parts(iso)?.zone ?? '';
    },
    dateTime(iso) {
      const p = parts(iso);
      return p ? `${date(p)}, ${p.hour}:${p.minute} ${p.zone}` : iso;
    },
    moment(iso, sameDayAs) {
      const p = parts(iso);
      if (!p) return iso;
      const reference = parts(sameDayAs);
      const clock = `${p.hour}:${p.minute}:${p.second}`;
      return reference && isoDateOf(reference) === isoDateOf(p) ? clock : `${date(p)}, ${clock}`;
    },
    isoDate(iso) {
      const p = parts(iso);
      return p ? isoDateOf(p) : 'undated';
    },
  };
}

/** "850 ms", "2.4 s", "3 min 5 s", "2 min", "1 h 2 min", "2 h": tenths only under a minute, no zero tails. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 999.5) return `${Math.round(ms)} ms`;
  // Rounded first, so 59.97 s reads "1 min 0 s" and never "60.0 s".
  const tenths = Math.round(ms / 100);
  if (tenths < 600) return `${(tenths / 10).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return joinUnits(Math.floor(seconds / 60), 'min', seconds % 60, 's');
  const minutes = Math.round(ms / 60_000);
  return joinUnits(Math.floor(minutes / 60), 'h', minutes % 60, 'min');
}

function joinUnits(major: number, majorUnit: string, minor: number, minorUnit: string): string {
  return minor === 0 ? `${major} ${majorUnit}` : `${major} ${majorUnit} ${minor} ${minorUnit}`;
}

const RUN_STATUS_LABELS: Record<RunStatus, string> = {
  ok: 'Finished',
  error: 'Failed',
  stopped: 'Stopped',
  timeout: 'Timed out',
};

/** A recorded run's outcome; null means the relay never heard its result. */
export function runStatusLabel(status: RunStatus | null): string {
  return status === null ? 'No result' : RUN_STATUS_LABELS[status];
}

/** "Ada (Candidate)". */
export function authorLabel(by: RunAuthor): string {
  return `${by.name} (${ROLE_LABELS[by.role]})`;
}

function plural(count: number, one: string, many: string): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}

/** What a signal says happened, without who and when: "Pasted 120 characters (5 lines)". */
export function describeSignal(signal: SignalRecordView): string {
  switch (signal.kind) {
    case 'paste': {
      const size = [
        signal.chars === undefined ? null : plural(signal.chars, 'character', 'characters'),
        signal.lines === undefined ? null : plural(signal.lines, 'line', 'lines'),
      ].filter((part) => part !== null);
      if (size.length === 0) return 'Pasted into the code';
      return size.length === 2 ? `Pasted ${size[0]} (${size[1]})` : `Pasted ${size[0]}`;
    }
    case 'focus-lost':
      return 'Left the page (tab or window lost focus)';
    case 'focus-returned':
      return signal.awayMs === undefined ? 'Came back to the page' : `Came back to the page after ${formatDuration(signal.awayMs)}`;
  }
}

/** "backend-interview-alex": lower-case ASCII letters and digits joined by dashes; "room" when nothing is left. */
export function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return slug === '' ? 'room' : slug;
}

/** `interview-<title-slug>-<date the room was created>.<extension>`. */
export function reviewFileName(review: { title: string; createdAt: string }, extension: 'json' | 'md', time: TimeFormat): string {
  return `interview-${slugify(review.title)}-${time.isoDate(review.createdAt)}.${extension}`;
}
