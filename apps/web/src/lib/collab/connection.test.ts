import { CloseCode } from '@interview/protocol';
import { describe, expect, it } from 'vitest';
import { describeConnection, type ConnectionFacts } from './connection.js';

const base: ConnectionFacts = {
  socket: 'connecting',
  browserOnline: true,
  dropped: false,
  refused: null,
};

describe('describeConnection', () => {
  it('says Connected when the socket is open', () => {
    expect(describeConnection({ ...base, socket: 'connected' })).toEqual({ kind: 'connected', label: 'Connected' });
  });

  it('says Connecting… while the first attempt is on its way', () => {
    expect(describeConnection(base)).toEqual({ kind: 'connecting', label: 'Connecting…' });
  });

  it('says Offline the moment the socket drops, and while attempts fail', () => {
    expect(describeConnection({ ...base, socket: 'disconnected', dropped: true })).toEqual({ kind: 'offline', label: 'Offline' });
    // The provider is already trying again: still offline until a socket is open.
    expect(describeConnection({ ...base, socket: 'connecting', dropped: true }).kind).toBe('offline');
  });

  it('says Offline when the browser knows it is offline, even with a socket that looks open', () => {
    expect(describeConnection({ ...base, browserOnline: false }).label).toBe('Offline');
    expect(describeConnection({ ...base, socket: 'connected', browserOnline: false }).label).toBe('Offline');
  });

  it('explains a refusal by close code', () => {
    const invalid = describeConnection({ ...base, refused: { code: CloseCode.Unauthorized, reason: '' } });
    expect(invalid.kind).toBe('refused');
    expect(invalid.detail).toMatch(/link is not valid/);
    expect(describeConnection({ ...base, refused: { code: CloseCode.RoomNotFound, reason: '' } }).detail).toMatch(/does not exist/);
    expect(describeConnection({ ...base, refused: { code: CloseCode.RoomFull, reason: '' } }).detail).toMatch(/room is full/);
    expect(describeConnection({ ...base, refused: { code: CloseCode.SocketMessageTooBig, reason: '' } }).detail).toMatch(/larger than the server accepts at once/);
    expect(describeConnection({ ...base, refused: { code: CloseCode.DocumentTooLarge, reason: '' } }).detail).toMatch(/Remove it, then reload/);
    expect(describeConnection({ ...base, refused: { code: CloseCode.TooManyMessages, reason: '' } }).detail).toMatch(/more messages than the server allows/);
    expect(describeConnection({ ...base, refused: { code: CloseCode.RunOutputTooLarge, reason: '' } }).detail).toMatch(/more output than this server allows/);
    expect(describeConnection({ ...base, refused: { code: 4413, reason: 'frame too large' } }).detail).toMatch(/frame too large/);
  });
});
