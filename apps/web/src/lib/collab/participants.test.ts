import { describe, expect, it } from 'vitest';
import { mergeParticipants, readAwarenessUser } from './participants.js';

const user = (name: string, role: string, color = '#2563eb') => ({ user: { name, role, color, colorLight: `${color}33` } });

describe('readAwarenessUser', () => {
  it('accepts a well-formed user', () => {
    expect(readAwarenessUser(user('Ada', 'candidate'))).toEqual({
      name: 'Ada',
      role: 'candidate',
      color: '#2563eb',
      colorLight: '#2563eb33',
    });
  });

  it('rejects states without a usable user', () => {
    expect(readAwarenessUser(null)).toBeNull();
    expect(readAwarenessUser({})).toBeNull();
    expect(readAwarenessUser(user('  ', 'candidate'))).toBeNull();
    expect(readAwarenessUser(user('Ada', 'admin'))).toBeNull();
  });

  it('replaces colours that are not plain hex, since they reach style attributes', () => {
    expect(readAwarenessUser(user('Ada', 'candidate', 'red;background:url(x)'))?.color).toBe('#6b7280');
  });
});

describe('mergeParticipants', () => {
  it('lists everyone present, self first and interviewers before candidates', () => {
    const states = new Map<number, unknown>([
      [3, user('Zoe', 'candidate')],
      [2, user('Grace', 'interviewer')],
      [1, user('Me', 'candidate')],
      [4, { cursor: null }],
    ]);
    const list = mergeParticipants([], states, 1);
    expect(list.map((p) => [p.name, p.role, p.isSelf, p.online])).toEqual([
      ['Me', 'candidate', true, true],
      ['Grace', 'interviewer', false, true],
      ['Zoe', 'candidate', false, true],
    ]);
  });

  it('keeps people who left as offline, and brings them back under a new client id', () => {
    const first = mergeParticipants([], new Map<number, unknown>([[1, user('Me', 'interviewer')], [2, user('Ada', 'candidate')]]), 1);
    const left = mergeParticipants(first, new Map<number, unknown>([[1, user('Me', 'interviewer')]]), 1);
    expect(left.find((p) => p.name === 'Ada')?.online).toBe(false);
    const back = mergeParticipants(left, new Map<number, unknown>([[1, user('Me', 'interviewer')], [9, user('Ada', 'candidate')]]), 1);
    expect(back.filter((p) => p.name === 'Ada')).toHaveLength(1);
    expect(back.find((p) => p.name === 'Ada')?.online).toBe(true);
  });
});
