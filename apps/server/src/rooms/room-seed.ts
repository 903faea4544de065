import * as Y from 'yjs';
import { RoomDocument, STARTER_CODE, type Language } from '@interview/protocol';

/**
 * The first update of every room, written once by the server when the room
 * is created. Clients never seed: two clients seeding at once would
 * duplicate the starter code.
 */
export function seedUpdate(language: Language): Uint8Array {
  const doc = new Y.Doc();
  doc.transact(() => {
    doc.getMap(RoomDocument.meta).set('language', language);
    doc.getText(RoomDocument.code).insert(0, STARTER_CODE[language]);
  });
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}
