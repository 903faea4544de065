import { EventLimits } from '@interview/protocol';
import { describe, expect, it } from 'vitest';
import { normalizeName, parseRoomInfo } from './storage.js';

describe('normalizeName', () => {
  it('trims and collapses whitespace', () => {
    expect(normalizeName('  Ada   Lovelace \n')).toBe('Ada Lovelace');
  });

  it('is null for blank names', () => {
    expect(normalizeName('   ')).toBeNull();
  });

  it('bounds the length to what room events accept', () => {
    expect(normalizeName('x'.repeat(500))).toHaveLength(EventLimits.nameLength);
  });
});

describe('parseRoomInfo', () => {
  const info = {
    roomId: 'room-1',
    title: 'Pairing',
    role: 'interviewer',
    createdAt: '2026-01-01T00:00:00.000Z',
    status: { ended: false, endedAt: null, endedBy: null },
    candidateUrl: 'https://example.test/r/room-1#token=x',
  };

  it('reads back what was stored for the room', () => {
    expect(parseRoomInfo(JSON.stringify(info), 'room-1')).toEqual(info);
  });

  it('refuses another room’s info, malformed JSON and unknown roles', () => {
    expect(parseRoomInfo(JSON.stringify(info), 'room-2')).toBeNull();
    expect(parseRoomInfo('{', 'room-1')).toBeNull();
    expect(parseRoomInfo(JSON.stringify({ ...info, role: 'admin' }), 'room-1')).toBeNull();
    expect(parseRoomInfo(JSON.stringify({ ...info, status: null }), 'room-1')).toBeNull();
    expect(parseRoomInfo(null, 'room-1')).toBeNull();
  });
});
