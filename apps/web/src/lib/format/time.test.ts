import { describe, expect, it } from 'vitest';
import { clockTime, runDuration, spokenDuration } from './time.js';

describe('clockTime', () => {
  it('shows the local wall-clock time to the second, 24-hour', () => {
    // Built from local components, so the test holds in any time zone.
    expect(clockTime(new Date(2026, 2, 1, 10, 3, 12).toISOString())).toBe('10:03:12');
    expect(clockTime(new Date(2026, 2, 1, 21, 0, 5).toISOString())).toBe('21:00:05');
  });

  it('shows nothing for an unreadable timestamp', () => {
    expect(clockTime('yesterday')).toBe('');
  });
});

describe('spokenDuration', () => {
  it('says seconds, minutes and hours as a person would', () => {
    expect(spokenDuration(999)).toBe('less than 1 s');
    expect(spokenDuration(45_400)).toBe('45 s');
    expect(spokenDuration(72_000)).toBe('1 min 12 s');
    expect(spokenDuration(120_000)).toBe('2 min');
    expect(spokenDuration(3_600_000 + 5 * 60_000 + 9_000)).toBe('1 h 5 min');
    expect(spokenDuration(7_200_000)).toBe('2 h');
  });
});

describe('runDuration', () => {
  it('uses milliseconds under a second, tenths of seconds above', () => {
    expect(runDuration(340.4)).toBe('340 ms');
    expect(runDuration(1234)).toBe('1.2 s');
  });
});
