import { join } from 'node:path';
import Database from 'better-sqlite3';
import * as Y from 'yjs';
import type { DocumentChannel } from '@interview/protocol';

/** The relay's SQLite file in its data folder (docs/operations.md). */
const SQLITE_FILE = 'interview.sqlite';

/**
 * Reads what the relay stored, straight from its SQLite file opened read
 * only, after the relay has stopped: the same rows it loads a room from
 * (the channel's snapshot, then every update after it).
 */
export class StoredDocuments {
  private readonly db: Database.Database;

  constructor(dataDir: string) {
    this.db = new Database(join(dataDir, SQLITE_FILE), { readonly: true, fileMustExist: true });
  }

  /** The document of a room's channel as a reload would rebuild it. */
  load(roomId: string, channel: DocumentChannel): Y.Doc {
    const snapshot = this.db
      .prepare<[string, string], { state: Buffer; through_seq: number }>('SELECT state, through_seq FROM snapshots WHERE room_id = ? AND doc = ?')
      .get(roomId, channel);
    const updates = this.db
      .prepare<[string, string, number], { data: Buffer }>('SELECT data FROM updates WHERE room_id = ? AND doc = ? AND seq > ? ORDER BY seq')
      .all(roomId, channel, snapshot?.through_seq ?? 0);
    const doc = new Y.Doc();
    for (const data of [...(snapshot ? [snapshot.state] : []), ...updates.map((row) => row.data)]) Y.applyUpdate(doc, new Uint8Array(data));
    return doc;
  }

  /** How many stored updates of these rooms name an author whose name starts with `prefix`. */
  updatesByAuthors(roomIds: readonly string[], prefix: string): number {
    const placeholders = roomIds.map(() => '?').join(', ');
    const row = this.db
      .prepare<unknown[], { n: number }>(`SELECT COUNT(*) AS n FROM updates WHERE room_id IN (${placeholders}) AND author_name LIKE ? ESCAPE '\\'`)
      .get(...roomIds, `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    return row?.n ?? 0;
  }

  close(): void {
    this.db.close();
  }
}
