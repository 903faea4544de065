import type * as Y from 'yjs';
import { IndexeddbPersistence } from 'y-indexeddb';
import type { DocumentChannel, Role } from '@interview/protocol';
import { reportError } from '../report.js';
import { localCopySaved, rememberLocalCopySaved } from '../storage.js';

/**
 * The IndexedDB database holding this browser's copy of one room document
 * for one role. The role is part of the name so that an interviewer and a
 * candidate on one browser never share a copy (a candidate's page must
 * never load what an interviewer's wrote). It names the room, never its
 * token: the copy holds Yjs updates and one marker, nothing secret.
 */
export function localCopyName(roomId: string, channel: DocumentChannel, role: Role): string {
  return `interview-room:${roomId}:${channel}:${role}`;
}

/** Key in the copy's `custom` store: the copy descends from the server's document. */
const SERVER_STATE_KEY = 'server-state';

/**
 * This browser's copy of a room document that the participant may write,
 * in IndexedDB (y-indexeddb): every update, local or from the server, is
 * added as it happens, so edits made offline survive a reload or a closed
 * tab and merge when the connection is back.
 *
 * The copy only ever feeds Yjs updates back into the document, which Yjs
 * merges like any other: text deleted on the server while this browser was
 * away stays deleted (the deletion is part of the server's history the
 * document syncs), and a replaced program (a question loaded) keeps only
 * what was typed offline, placed where it was typed. Nothing here writes
 * content of its own.
 */
export class LocalCopy {
  /** The origin of the updates the copy applies to the document. */
  readonly origin: IndexeddbPersistence;
  /** When this tab last had the copy open, the server had everything in it. */
  readonly savedWhenLeft: boolean;
  /**
   * Resolves once the stored updates are in the document: true when the copy
   * holds a state that came from the server, which can be shown and edited
   * before the server answers; false when there was none or IndexedDB failed.
   */
  readonly restored: Promise<boolean>;
  /** Resolves false when IndexedDB could not be opened: nothing is kept. */
  readonly usable: Promise<boolean>;
  readonly #name: string;
  #serverStateRecorded = false;

  /** Null where the browser has no IndexedDB. */
  static open(name: string, doc: Y.Doc): LocalCopy | null {
    if (typeof indexedDB === 'undefined') return null;
    return new LocalCopy(name, doc);
  }

  private constructor(name: string, doc: Y.Doc) {
    this.#name = name;
    this.savedWhenLeft = localCopySaved(name);
    this.origin = new IndexeddbPersistence(name, doc);
    const marker = this.origin.get(SERVER_STATE_KEY);
    this.usable = marker.then(
      () => true,
      (error: unknown) => {
        reportError(`could not open this browser's copy of ${name}`, error);
        return false;
      },
    );
    this.restored = marker.then(
      async (value: unknown) => {
        await this.origin.whenSynced;
        return value === 1;
      },
      () => false,
    );
  }

  /** The server's state is in the document (and so in the copy). */
  serverStateArrived(): void {
    if (this.#serverStateRecorded) return;
    this.#serverStateRecorded = true;
    this.origin.set(SERVER_STATE_KEY, 1).catch((error: unknown) => reportError(`could not mark ${this.#name} as synced`, error));
  }

  /** Remembers, for a reload of this tab, whether the server has everything in the copy. */
  recordSaved(saved: boolean): void {
    rememberLocalCopySaved(this.#name, saved);
  }

  destroy(): void {
    void this.origin.destroy().catch(() => {
      // The database never opened; `usable` has reported it.
    });
  }
}
