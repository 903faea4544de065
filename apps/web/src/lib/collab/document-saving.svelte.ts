import type * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import { LocalCopy } from './local-copy.js';
import { watchSaves, type SaveWatch } from './save-watch.js';

export interface DocumentSavingOptions {
  provider: WebsocketProvider;
  doc: Y.Doc;
  /** The IndexedDB name of this browser's copy (`localCopyName`); null keeps none (a document the participant only reads). */
  localCopy: string | null;
}

/**
 * Where one document's changes are, for the UI: whether the server has
 * confirmed them all, and whether this browser keeps a copy that outlives
 * the page. Create it right after the provider, before connecting.
 */
export class DocumentSaving {
  /** Changes the server has not confirmed yet. */
  unsynced = $state(false);
  /** The browser's copy is open: changes survive a reload. */
  keptLocally = $state(false);
  /** The copy brought back a state from the server: the document can be shown before the server answers. */
  restored = $state(false);

  readonly #provider: WebsocketProvider;
  readonly #copy: LocalCopy | null;
  readonly #watch: SaveWatch;
  #destroyed = false;

  constructor({ provider, doc, localCopy }: DocumentSavingOptions) {
    this.#provider = provider;
    const copy = localCopy === null ? null : LocalCopy.open(localCopy, doc);
    this.#copy = copy;
    this.#watch = watchSaves(provider, doc, {
      alreadySaved: (origin) => copy !== null && copy.savedWhenLeft && origin === copy.origin,
      onChange: (unsynced) => {
        this.unsynced = unsynced;
        copy?.recordSaved(!unsynced);
      },
    });
    provider.on('sync', this.#onSync);
    void copy?.usable.then((usable) => {
      if (!this.#destroyed) this.keptLocally = usable;
    });
    void copy?.restored.then((restored) => {
      if (!this.#destroyed && restored) this.restored = true;
    });
  }

  readonly #onSync = (synced: boolean): void => {
    if (synced) this.#copy?.serverStateArrived();
  };

  destroy(): void {
    this.#destroyed = true;
    this.#provider.off('sync', this.#onSync);
    this.#watch.destroy();
    this.#copy?.destroy();
  }
}
