import { describe, expect, it } from 'vitest';
import {
  channelRights,
  channelRoomName,
  DOCUMENT_CHANNELS,
  DocumentChannel,
  isDocumentChannel,
  parseChannelPath,
  type DocumentChannel as Channel,
} from './document-channels.js';
import type { Role } from './room-document.js';

describe('channelRights', () => {
  const table: Array<[Channel, Role, { read: boolean; write: boolean }]> = [
    ['main', 'interviewer', { read: true, write: true }],
    ['main', 'candidate', { read: true, write: true }],
    ['statement', 'interviewer', { read: true, write: true }],
    ['statement', 'candidate', { read: true, write: false }],
    ['notes', 'interviewer', { read: true, write: true }],
    ['notes', 'candidate', { read: false, write: false }],
  ];

  it.each(table)('%s channel, %s: %o', (channel, role, rights) => {
    expect(channelRights(channel, role)).toEqual(rights);
  });

  it('covers every channel and role in the table above', () => {
    expect(new Set(table.map(([channel]) => channel))).toEqual(new Set(DOCUMENT_CHANNELS));
  });

  it('never grants write without read', () => {
    for (const channel of DOCUMENT_CHANNELS) {
      for (const role of ['interviewer', 'candidate'] as const) {
        const rights = channelRights(channel, role);
        if (rights.write) expect(rights.read).toBe(true);
      }
    }
  });

  it('grants nothing to an unknown role or channel (values from outside the type system)', () => {
    expect(channelRights('notes', 'admin' as Role)).toEqual({ read: false, write: false });
    expect(channelRights('main', 'admin' as Role)).toEqual({ read: false, write: false });
    expect(channelRights('secrets' as Channel, 'interviewer')).toEqual({ read: false, write: false });
    expect(channelRights('secrets' as Channel, 'candidate')).toEqual({ read: false, write: false });
  });

  it('returns rights nobody can change for the next caller', () => {
    const rights = channelRights('statement', 'candidate');
    expect(() => Object.assign(rights, { write: true })).toThrow(TypeError);
    expect(channelRights('statement', 'candidate').write).toBe(false);
  });
});

describe('channel names and paths', () => {
  it('knows exactly the three channels', () => {
    expect([...DOCUMENT_CHANNELS].sort()).toEqual(['main', 'notes', 'statement']);
    expect(isDocumentChannel('notes')).toBe(true);
    expect(isDocumentChannel('Notes')).toBe(false);
    expect(isDocumentChannel(undefined)).toBe(false);
  });

  it('names the y-websocket room of a channel so that its URL is /ws/<roomId>/<channel>', () => {
    expect(channelRoomName('abc', DocumentChannel.main)).toBe('abc');
    expect(channelRoomName('abc', DocumentChannel.statement)).toBe('abc/statement');
    expect(channelRoomName('abc', DocumentChannel.notes)).toBe('abc/notes');
  });

  it('parses the main channel, the other channels, and refuses anything else', () => {
    expect(parseChannelPath('room1')).toEqual({ ok: true, roomId: 'room1', channel: 'main' });
    expect(parseChannelPath('room1/statement')).toEqual({ ok: true, roomId: 'room1', channel: 'statement' });
    expect(parseChannelPath('room1/notes')).toEqual({ ok: true, roomId: 'room1', channel: 'notes' });
    for (const path of ['room1/main', 'room1/', 'room1/secrets', 'room1/notes/', 'room1/notes/x', 'room1/NOTES', 'room1/%6Eotes']) {
      expect(parseChannelPath(path)).toEqual({ ok: false, reason: 'unknown-channel' });
    }
    expect(parseChannelPath('%E0%A4%A')).toEqual({ ok: false, reason: 'bad-room-id' });
  });

  it('round-trips every channel through its room name', () => {
    for (const channel of DOCUMENT_CHANNELS) {
      expect(parseChannelPath(channelRoomName('Vx0n8yq3QF0l4rW9bJQ2sA', channel))).toEqual({
        ok: true,
        roomId: 'Vx0n8yq3QF0l4rW9bJQ2sA',
        channel,
      });
    }
  });
});
