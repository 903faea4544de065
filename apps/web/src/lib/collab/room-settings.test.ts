import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { RoomSettings, RunTimeLimit } from '@interview/protocol';
import { readRoomSettings, settingsMap, writeQuestionId, writeTimeLimit } from './room-settings.js';

function fresh(): { doc: Y.Doc; map: Y.Map<unknown> } {
  const doc = new Y.Doc();
  return { doc, map: settingsMap(doc) };
}

describe('room settings', () => {
  it('reads the defaults from an empty map', () => {
    expect(readRoomSettings(fresh().map)).toEqual({ timeLimitSeconds: RunTimeLimit.defaultSeconds, questionId: null });
  });

  it('lives in the statement document under RoomSettings.map', () => {
    const { doc, map } = fresh();
    map.set(RoomSettings.timeLimitSeconds, 12);
    expect(doc.getMap('settings').get('timeLimitSeconds')).toBe(12);
  });

  it('clamps and rounds the time limit it writes, and writes nothing when unchanged', () => {
    const { doc, map } = fresh();
    let updates = 0;
    doc.on('update', () => updates++);
    writeTimeLimit(map, 0.2);
    expect(readRoomSettings(map).timeLimitSeconds).toBe(RunTimeLimit.minSeconds);
    writeTimeLimit(map, 99_999);
    expect(readRoomSettings(map).timeLimitSeconds).toBe(RunTimeLimit.maxSeconds);
    writeTimeLimit(map, RunTimeLimit.maxSeconds + 5);
    writeTimeLimit(map, Number.NaN);
    expect(updates).toBe(2);
  });

  it('treats hostile values written by someone else as unset', () => {
    const { map } = fresh();
    map.set(RoomSettings.timeLimitSeconds, '5; drop table');
    map.set(RoomSettings.questionId, '../../etc/passwd');
    expect(readRoomSettings(map)).toEqual({ timeLimitSeconds: RunTimeLimit.defaultSeconds, questionId: null });
    map.set(RoomSettings.questionId, 42);
    expect(readRoomSettings(map).questionId).toBeNull();
  });

  it('records the question id, refusing one that is not an id', () => {
    const { map } = fresh();
    writeQuestionId(map, 'two-sum');
    expect(readRoomSettings(map).questionId).toBe('two-sum');
    expect(() => writeQuestionId(map, 'no spaces allowed')).toThrow(RangeError);
  });

  it('reaches a peer: what one interviewer sets, another reads', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    a.on('update', (update: Uint8Array) => Y.applyUpdate(b, update));
    writeTimeLimit(settingsMap(a), 7);
    expect(readRoomSettings(settingsMap(b)).timeLimitSeconds).toBe(7);
  });
});
