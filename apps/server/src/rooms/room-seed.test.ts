import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ChannelText, RoomDocument, RoomSettings, STARTER_CODE } from '@interview/protocol';
import { seedUpdate, statementSeedUpdate } from './room-seed.js';

function docOf(update: Uint8Array): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  return doc;
}

describe('room seeds', () => {
  it('seeds the code and the language of the main document', () => {
    const doc = docOf(seedUpdate('javascript'));
    expect(doc.getText(RoomDocument.code).toString()).toBe(STARTER_CODE.javascript);
    expect(doc.getMap(RoomDocument.meta).get('language')).toBe('javascript');
  });

  it('seeds the statement and remembers the question in the settings, in one update', () => {
    const doc = docOf(statementSeedUpdate('# Two sum\n', 'two-sum'));
    expect(doc.getText(ChannelText.statement).toString()).toBe('# Two sum\n');
    expect(doc.getMap(RoomSettings.map).toJSON()).toEqual({ [RoomSettings.questionId]: 'two-sum' });
  });
});
