import * as Y from 'yjs';
import { ChannelText, RoomDocument, RoomSettings, STARTER_CODE, type Language } from '@interview/protocol';

/**
 * The first update of every room, written once by the server when the room
 * is created. Clients never seed: two clients seeding at once would
 * duplicate the starter code.
 */
export function seedUpdate(language: Language, code: string = STARTER_CODE[language]): Uint8Array {
  const doc = new Y.Doc();
  doc.transact(() => {
    doc.getMap(RoomDocument.meta).set('language', language);
    doc.getText(RoomDocument.code).insert(0, code);
  });
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}

/**
 * The first update of the statement channel of a room created from a
 * question: its statement, and its id in the settings, so the room
 * remembers which question it was set (for the interviewer's hints and the review).
 */
export function statementSeedUpdate(markdown: string, questionId: string): Uint8Array {
  const doc = new Y.Doc();
  doc.transact(() => {
    doc.getText(ChannelText.statement).insert(0, markdown);
    doc.getMap(RoomSettings.map).set(RoomSettings.questionId, questionId);
  });
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}
