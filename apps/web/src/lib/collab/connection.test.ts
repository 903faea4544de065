import { CloseCode } from '@interview/protocol';
import { describe, expect, it } from 'vitest';
import { describeConnection, type ConnectionFacts } from './connection.js';

const base: ConnectionFacts = {
  socket: 'connecting',
  browserOnline: true,
  hasConnected: false,
  downForLong: false,
  refused: null,
};

describe('describeConnection', () => {
  it('says Connected when the socket is open', () => {
    expect(describeConnection({ ...base, socket: 'connected', hasConnected: true })).toEqual({ kind: 'connected', label: 'Connected' });
  });

  it('says Reconnecting… during a short drop', () => {
    expect(describeConnection({ ...base, socket: 'disconnected', hasConnected: true }).label).toBe('Reconnecting…');
  });

  it('says Offline after a long drop or when the browser is offline', () => {
    expect(describeConnection({ ...base, socket: 'connecting', hasConnected: true, downForLong: true }).label).toBe('Offline');
    expect(describeConnection({ ...base, browserOnline: false }).label).toBe('Offline');
    expect(describeConnection({ ...base, socket: 'connected', hasConnected: true, browserOnline: false }).label).toBe('Offline');
  });

  it('explains a refusal by close code', () => {
    const invalid = describeConnection({ ...base, refused: { code: CloseCode.Unauthorized, reason: '' } });
    expect(invalid.kind).toBe('refused');
    expect(invalid.detail).toMatch(/link is not valid/);
    expect(describeConnection({ ...base, refused: { code: CloseCode.RoomNotFound, reason: '' } }).detail).toMatch(/does not exist/);
    expect(describeConnection({ ...base, refused: { code: 4413, reason: 'frame too large' } }).detail).toMatch(/frame too large/);
  });
});
