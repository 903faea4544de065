import { describe, expect, it } from 'vitest';
import { describeNotice, describeSaving, nextNoticePhase, type NoticePhase } from './save-status.js';
import type { ConnectionKind } from './connection.js';

describe('describeSaving', () => {
  it('says everything is saved when the server confirmed every change', () => {
    expect(describeSaving({ connection: 'offline', unsynced: false, keptLocally: true })).toEqual({ text: 'All changes saved', pending: false });
  });

  it('says Saving… while connected and waiting for the server', () => {
    expect(describeSaving({ connection: 'connected', unsynced: true, keptLocally: true })).toEqual({ text: 'Saving…', pending: true });
  });

  it('says where unsaved changes are while the server is out of reach', () => {
    expect(describeSaving({ connection: 'offline', unsynced: true, keptLocally: true }).text).toBe('Changes kept in this browser');
    expect(describeSaving({ connection: 'refused', unsynced: true, keptLocally: false }).text).toBe('Changes not saved yet');
  });
});

describe('nextNoticePhase', () => {
  const walk = (kinds: ConnectionKind[]): NoticePhase[] => {
    let phase: NoticePhase = null;
    return kinds.map((kind) => (phase = nextNoticePhase(phase, kind)));
  };

  it('says nothing while the page first connects', () => {
    expect(walk(['connecting', 'connected'])).toEqual([null, null]);
  });

  it('goes offline at once and says when the connection is back', () => {
    expect(walk(['connecting', 'connected', 'offline', 'offline', 'connected', 'connected'])).toEqual([
      null,
      null,
      'offline',
      'offline',
      'back',
      'back',
    ]);
  });

  it('covers a page opened while the server is out of reach', () => {
    expect(walk(['connecting', 'offline', 'connected'])).toEqual([null, 'offline', 'back']);
  });

  it('leaves a refusal to its own alert', () => {
    expect(walk(['connected', 'offline', 'refused'])).toEqual([null, 'offline', null]);
  });
});

describe('describeNotice', () => {
  it('tells an offline participant to keep working when changes are kept in the browser', () => {
    expect(describeNotice('offline', { unsynced: false, keptLocally: true, writing: true })).toMatch(/^You are offline\. Keep working/);
    expect(describeNotice('offline', { unsynced: true, keptLocally: false, writing: true })).toMatch(/Keep this tab open/);
  });

  it('does not invite a participant who cannot edit to keep working', () => {
    expect(describeNotice('offline', { unsynced: false, keptLocally: true, writing: false })).toBe(
      'You are offline. The room updates again when the connection is back.',
    );
  });

  it('says whether the changes made offline have reached the server yet', () => {
    expect(describeNotice('back', { unsynced: true, keptLocally: true, writing: true })).toBe('Back online. Sending your changes…');
    expect(describeNotice('back', { unsynced: false, keptLocally: true, writing: true })).toBe('Back online. All changes saved.');
  });
});
