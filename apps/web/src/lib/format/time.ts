/**
 * Times and durations as the room shows them: wall-clock times in the
 * viewer's own time zone, 24-hour, to the second (events seconds apart
 * must be told apart), and durations in words a person reads at a glance.
 */

const pad = (value: number) => String(value).padStart(2, '0');

/** "10:03:12" in local time; "" for an unreadable timestamp. */
export function clockTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** A stretch of time such as an absence: "45 s", "1 min 12 s", "2 h 5 min"; "less than 1 s" below a second. */
export function spokenDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 1000) return 'less than 1 s';
  const totalSeconds = Math.floor(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  // Seconds stop mattering once hours are involved.
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  if (minutes > 0) return seconds > 0 ? `${minutes} min ${seconds} s` : `${minutes} min`;
  return `${seconds} s`;
}

/** How long a run took, as the output panel says it: "340 ms", "1.2 s". */
export function runDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
