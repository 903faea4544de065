import { describe, expect, it } from 'vitest';
import { authorLabel, createTimeFormat, describeSignal, formatDuration, reviewFileName, runStatusLabel, slugify } from './review-format.js';

const ada = { name: 'Ada', role: 'candidate' } as const;

describe('createTimeFormat', () => {
  it('formats date and time in the given zone, with its short name', () => {
    expect(createTimeFormat('UTC').dateTime('2026-11-14T09:05:03.000Z')).toBe('14 Nov 2026, 09:05 UTC');
    expect(createTimeFormat('Europe/Paris').dateTime('2026-11-14T09:05:03.000Z')).toBe('14 Nov 2026, 10:05 GMT+1');
    expect(createTimeFormat('America/Los_Angeles').dateTime('2026-07-04T19:00:00.000Z')).toBe('4 Jul 2026, 12:00 PDT');
  });

  it('uses a 24-hour clock that starts at 00', () => {
    expect(createTimeFormat('UTC').dateTime('2026-01-01T00:30:00Z')).toBe('1 Jan 2026, 00:30 UTC');
    expect(createTimeFormat('UTC').moment('2026-01-01T00:00:09Z', '2026-01-01T12:00:00Z')).toBe('00:00:09');
  });

  it('shows only the clock on the reference day, the date too otherwise (in the zone, not in UTC)', () => {
    const utc = createTimeFormat('UTC');
    expect(utc.moment('2026-11-14T23:59:59Z', '2026-11-14T09:00:00Z')).toBe('23:59:59');
    expect(utc.moment('2026-11-15T00:00:01Z', '2026-11-14T09:00:00Z')).toBe('15 Nov 2026, 00:00:01');
    // 23:30 UTC is already the next day in Tokyo.
    const tokyo = createTimeFormat('Asia/Tokyo');
    expect(tokyo.moment('2026-11-14T23:30:00Z', '2026-11-14T09:00:00Z')).toBe('15 Nov 2026, 08:30:00');
    expect(tokyo.moment('2026-11-14T23:30:00Z', '2026-11-14T16:00:00Z')).toBe('08:30:00');
  });

  it('gives the ISO date in the zone, for file names', () => {
    expect(createTimeFormat('UTC').isoDate('2026-03-04T23:30:00Z')).toBe('2026-03-04');
    expect(createTimeFormat('Asia/Tokyo').isoDate('2026-03-04T23:30:00Z')).toBe('2026-03-05');
  });

  it('names the zone as it was at that instant', () => {
    const paris = createTimeFormat('Europe/Paris');
    expect(paris.zoneName('2026-01-15T12:00:00Z')).toBe('GMT+1');
    expect(paris.zoneName('2026-07-15T12:00:00Z')).toBe('GMT+2');
  });

  it('returns what it cannot parse unchanged', () => {
    const utc = createTimeFormat('UTC');
    expect(utc.dateTime('not a date')).toBe('not a date');
    expect(utc.moment('later', '2026-11-14T09:00:00Z')).toBe('later');
    expect(utc.isoDate('never')).toBe('undated');
    expect(utc.zoneName('never')).toBe('');
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0 ms'],
    [12.4, '12 ms'],
    [999, '999 ms'],
    [999.6, '1.0 s'],
    [1000, '1.0 s'],
    [2449, '2.4 s'],
    [59_940, '59.9 s'],
    [59_960, '1 min'],
    [120_000, '2 min'],
    [65_000, '1 min 5 s'],
    [3_599_400, '59 min 59 s'],
    [3_599_600, '1 h'],
    [3_720_000, '1 h 2 min'],
    [7_200_000, '2 h'],
  ])('%d ms reads "%s"', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('shows a dash for nonsense', () => {
    expect(formatDuration(-1)).toBe('–');
    expect(formatDuration(Number.NaN)).toBe('–');
  });
});

describe('labels', () => {
  it('names run outcomes, and a run without a result', () => {
    expect(runStatusLabel('ok')).toBe('Finished');
    expect(runStatusLabel('error')).toBe('Failed');
    expect(runStatusLabel('stopped')).toBe('Stopped');
    expect(runStatusLabel('timeout')).toBe('Timed out');
    expect(runStatusLabel(null)).toBe('No result');
  });

  it('names an author with the role', () => {
    expect(authorLabel(ada)).toBe('Ada (Candidate)');
    expect(authorLabel({ name: 'Grace', role: 'interviewer' })).toBe('Grace (Interviewer)');
  });
});

describe('describeSignal', () => {
  const at = '2026-11-14T09:00:00Z';

  it('gives the size of a paste', () => {
    expect(describeSignal({ kind: 'paste', at, by: ada, chars: 1234, lines: 5 })).toBe('Pasted 1,234 characters (5 lines)');
    expect(describeSignal({ kind: 'paste', at, by: ada, chars: 1, lines: 1 })).toBe('Pasted 1 character (1 line)');
    expect(describeSignal({ kind: 'paste', at, by: ada, lines: 3 })).toBe('Pasted 3 lines');
    expect(describeSignal({ kind: 'paste', at, by: ada })).toBe('Pasted into the code');
  });

  it('says when focus was lost and how long it was away', () => {
    expect(describeSignal({ kind: 'focus-lost', at, by: ada })).toBe('Left the page (tab or window lost focus)');
    expect(describeSignal({ kind: 'focus-returned', at, by: ada, awayMs: 65_000 })).toBe('Came back to the page after 1 min 5 s');
    expect(describeSignal({ kind: 'focus-returned', at, by: ada })).toBe('Came back to the page');
  });
});

describe('file names', () => {
  it('slugifies titles to lower-case ASCII with dashes', () => {
    expect(slugify('Backend interview – Alex')).toBe('backend-interview-alex');
    expect(slugify('  Ça va? Zoë & José!! ')).toBe('ca-va-zoe-jose');
    expect(slugify('../../etc/passwd')).toBe('etc-passwd');
    expect(slugify('日本語')).toBe('room');
    expect(slugify('')).toBe('room');
    expect(slugify('a'.repeat(59) + ' b c')).toBe('a'.repeat(59));
  });

  it('names downloads after the title and the day the room was created', () => {
    const review = { title: 'Backend interview – Alex', createdAt: '2026-11-14T09:00:00Z' };
    expect(reviewFileName(review, 'json', createTimeFormat('UTC'))).toBe('interview-backend-interview-alex-2026-11-14.json');
    expect(reviewFileName(review, 'md', createTimeFormat('UTC'))).toBe('interview-backend-interview-alex-2026-11-14.md');
  });
});
