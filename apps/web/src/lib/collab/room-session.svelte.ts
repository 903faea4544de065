import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { WebsocketProvider } from 'y-websocket';
import { DocumentChannel, isLanguage, isPermanentCloseCode, MetaKey, RoomDocument, type Language, type Role, type RoomEvent } from '@interview/protocol';
import { reportError } from '../report.js';
import { applyRunEvent, type LatestRun } from '../run/latest-run.js';
import { ConnectionMonitor } from './connection-monitor.svelte.js';
import { DocumentSaving } from './document-saving.svelte.js';
import { localCopyName } from './local-copy.js';
import { Presence } from './presence.svelte.js';
import { RoomEventChannel } from './room-events.js';

export interface RoomSessionOptions {
  roomId: string;
  token: string;
  name: string;
  role: Role;
  /**
   * The page opened from what this browser kept (the server was out of
   * reach): the first connection catches up like a reconnect.
   */
  resumed?: boolean;
}

/** The relay's socket endpoint on the origin that served the page. */
export function relayUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

/**
 * One participant's live connection to a room: the shared document, the
 * socket, presence, room events, the connection state and where changes
 * stand (`saving`, with this browser's copy of the document). The server
 * seeds the document; this client never writes initial content.
 */
export class RoomSession {
  readonly doc = new Y.Doc();
  readonly code: Y.Text = this.doc.getText(RoomDocument.code);
  readonly meta: Y.Map<unknown> = this.doc.getMap(RoomDocument.meta);
  /** Tracks only this client's edits (y-codemirror.next adds its origin), so undo never reverts a peer. */
  readonly undoManager = new Y.UndoManager(this.code);
  readonly awareness = new Awareness(this.doc);
  readonly presence: Presence;
  readonly provider: WebsocketProvider;
  readonly connection: ConnectionMonitor;
  readonly saving: DocumentSaving;
  readonly events: RoomEventChannel;

  /** null until the server's state arrived (it seeds the language). */
  language: Language | null = $state(null);
  #synced = $state(false);
  latestRun: LatestRun | null = $state.raw(null);

  readonly #unsubscribeRun: () => void;
  /** Listeners to every event, heard or sent by this browser. */
  readonly #eventListeners = new Set<(event: RoomEvent) => void>();
  readonly #reconnectListeners = new Set<() => void>();
  #wasConnected = false;

  constructor(options: RoomSessionOptions) {
    // Presence is set before connecting, so the first awareness frame already names us.
    this.presence = new Presence(this.awareness, { name: options.name, role: options.role });
    this.provider = new WebsocketProvider(relayUrl(location), options.roomId, this.doc, {
      awareness: this.awareness,
      params: { token: options.token, name: options.name },
      // A BroadcastChannel between tabs would carry updates past the server's rights checks.
      disableBc: true,
      connect: false,
      // Also after 1009: reconnecting would send the same oversized state again.
      shouldReconnect: (event) => !isPermanentCloseCode(event.code),
    });
    this.saving = new DocumentSaving({
      provider: this.provider,
      doc: this.doc,
      localCopy: localCopyName(options.roomId, DocumentChannel.main, options.role),
    });
    // A resumed page's room info and panels came from before the drop: its first connection is a reconnect.
    this.#wasConnected = options.resumed ?? false;
    this.events = new RoomEventChannel(this.provider);
    this.#unsubscribeRun = this.events.subscribe((event) => this.#apply(event));
    this.connection = new ConnectionMonitor(this.provider);
    this.meta.observe(this.#readMeta);
    this.#readMeta();
    this.provider.on('sync', this.#onSync);
    this.provider.on('status', this.#onStatus);
    this.provider.connect();
  }

  /**
   * The code can be shown: the first full sync completed, or this
   * browser's copy brought back a state from the server. Stays true across reconnects.
   */
  get loaded(): boolean {
    return this.#synced || this.saving.restored;
  }

  #apply(event: RoomEvent): void {
    this.latestRun = applyRunEvent(this.latestRun, event);
    for (const listener of [...this.#eventListeners]) {
      try {
        listener(event);
      } catch (error) {
        // A failing panel must not break the run that emitted the event.
        reportError(`room event listener failed on "${event.type}"`, error);
      }
    }
  }

  /**
   * Every room event, whether heard from the relay or sent by this browser
   * (the relay does not echo a sender's own). Returns the unsubscribe.
   */
  onEvent(listener: (event: RoomEvent) => void): () => void {
    this.#eventListeners.add(listener);
    return () => this.#eventListeners.delete(listener);
  }

  /**
   * Called each time the socket is open again after a drop, and on the first
   * connection of a resumed page: what was missed meanwhile (a status
   * change, runs, signals) has to be read from the server.
   */
  onReconnect(listener: () => void): () => void {
    this.#reconnectListeners.add(listener);
    return () => this.#reconnectListeners.delete(listener);
  }

  readonly #onStatus = ({ status }: { status: string }): void => {
    if (status !== 'connected') return;
    if (this.#wasConnected) for (const listener of [...this.#reconnectListeners]) listener();
    this.#wasConnected = true;
  };

  readonly #readMeta = (): void => {
    const value = this.meta.get(MetaKey.language);
    this.language = isLanguage(value) ? value : null;
  };

  readonly #onSync = (synced: boolean): void => {
    if (synced) this.#synced = true;
  };

  /** Changes the language for everyone in the room. */
  setLanguage(language: Language): void {
    if (this.meta.get(MetaKey.language) === language) return;
    this.meta.set(MetaKey.language, language);
  }

  /** Applies an event this browser sent (the relay does not echo it back). */
  applyLocalEvent(event: RoomEvent): void {
    this.#apply(event);
  }

  destroy(): void {
    this.#unsubscribeRun();
    this.#eventListeners.clear();
    this.#reconnectListeners.clear();
    this.provider.off('sync', this.#onSync);
    this.provider.off('status', this.#onStatus);
    this.meta.unobserve(this.#readMeta);
    this.connection.destroy();
    this.saving.destroy();
    this.events.destroy();
    this.presence.destroy();
    this.provider.destroy();
    this.awareness.destroy();
    this.undoManager.destroy();
    this.doc.destroy();
  }
}
