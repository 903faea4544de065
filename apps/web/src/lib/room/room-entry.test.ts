import { describe, expect, it } from 'vitest';
import { needsJoinForm } from './room-entry.js';

describe('needsJoinForm', () => {
  it('always asks a candidate the first time, even with a remembered name', () => {
    expect(needsJoinForm('candidate', 'Ada', null)).toBe(true);
  });

  it('does not ask again after joining in this tab', () => {
    expect(needsJoinForm('candidate', 'Ada', 'Ada')).toBe(false);
    expect(needsJoinForm('interviewer', null, 'Grace')).toBe(false);
  });

  it('asks an interviewer only when no name is known', () => {
    expect(needsJoinForm('interviewer', 'Grace', null)).toBe(false);
    expect(needsJoinForm('interviewer', null, null)).toBe(true);
  });
});
