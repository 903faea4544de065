import * as Y from 'yjs';
import { DocumentChannel } from '@interview/protocol';
import { channelTextName } from '../clients.js';
import { StoredDocuments } from '../fuzz/stored-documents.js';
import type { TypingRoom } from './typing-rooms.js';

/** An author's edits that reached another client but are not in storage. */
export interface UnstoredEdit {
  roomId: string;
  /** The typist who wrote them, or the Yjs client id of another author (the relay seeding the starter code). */
  author: string;
  /** Who saw them. */
  seenBy: string;
  /** How many of the author's edits (Yjs clock) the client had, and how many storage has. */
  seen: number;
  stored: number;
}

export interface StoredRoom {
  text: string;
  /** Whether some stored edit waits for one that is not stored (a hole in the history). */
  incomplete: boolean;
}

/**
 * The rooms' main documents as the relay stored them, read from its SQLite
 * file in the data folder while no server runs (after a SIGKILL or a stop):
 * the same snapshot and updates a restart loads.
 */
export class StoredRooms {
  private readonly documents = new Map<string, Y.Doc>();

  private constructor(private readonly rooms: readonly TypingRoom[]) {}

  static read(dataDir: string, rooms: readonly TypingRoom[]): StoredRooms {
    const stored = new StoredRooms(rooms);
    const file = new StoredDocuments(dataDir);
    try {
      for (const { room } of rooms) stored.documents.set(room.roomId, file.load(room.roomId, DocumentChannel.main));
    } finally {
      file.close();
    }
    return stored;
  }

  room(roomId: string): StoredRoom {
    const doc = this.documents.get(roomId)!;
    return { text: doc.getText(channelTextName(DocumentChannel.main)).toString(), incomplete: doc.store.pendingStructs !== null || doc.store.pendingDs !== null };
  }

  /**
   * Every edit a client holds from another author came to it through the
   * relay, which stores an edit before relaying it: storage must hold each
   * one. (An author's own edits may not have reached the relay yet; it
   * sends them again when it reconnects.)
   */
  unstoredEdits(): UnstoredEdit[] {
    const unstored: UnstoredEdit[] = [];
    for (const { room, typists } of this.rooms) {
      const names = new Map(typists.map((typist) => [typist.client.doc.clientID, typist.author]));
      const stored = Y.decodeStateVector(Y.encodeStateVector(this.documents.get(room.roomId)!));
      for (const { author: name, client } of typists) {
        for (const [author, seen] of Y.decodeStateVector(Y.encodeStateVector(client.doc))) {
          if (author === client.doc.clientID) continue;
          const have = stored.get(author) ?? 0;
          if (have < seen) unstored.push({ roomId: room.roomId, author: names.get(author) ?? `client ${author}`, seenBy: name, seen, stored: have });
        }
      }
    }
    return unstored;
  }

  destroy(): void {
    for (const doc of this.documents.values()) doc.destroy();
  }
}
