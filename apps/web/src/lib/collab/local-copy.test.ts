import { describe, expect, it } from 'vitest';
import { DOCUMENT_CHANNELS } from '@interview/protocol';
import { localCopyName } from './local-copy.js';

describe('localCopyName', () => {
  it('gives each room, channel and role a database of its own', () => {
    const names = new Set<string>();
    for (const roomId of ['room-a', 'room-b']) {
      for (const channel of DOCUMENT_CHANNELS) {
        for (const role of ['interviewer', 'candidate'] as const) names.add(localCopyName(roomId, channel, role));
      }
    }
    expect(names.size).toBe(2 * DOCUMENT_CHANNELS.length * 2);
  });

  it('names the room, never a token', () => {
    expect(localCopyName('AbC_123-xyz', 'main', 'candidate')).toBe('interview-room:AbC_123-xyz:main:candidate');
  });
});
