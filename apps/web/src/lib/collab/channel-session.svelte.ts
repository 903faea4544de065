import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { WebsocketProvider } from 'y-websocket';
import { ChannelText, channelRights, channelRoomName, isPermanentCloseCode, type AwarenessUser, type Role } from '@interview/protocol';
import { ConnectionMonitor } from './connection-monitor.svelte.js';
import { DocumentSaving } from './document-saving.svelte.js';
import { localCopyName } from './local-copy.js';
import { relayUrl } from './room-session.svelte.js';

/** The Markdown channels of a room; `main` is `RoomSession`'s. */
export type MarkdownChannel = 'statement' | 'notes';

export interface ChannelSessionOptions {
  roomId: string;
  token: string;
  name: string;
  role: Role;
  channel: MarkdownChannel;
  /** What this participant shows in the editor's cursor label; none for a reader. */
  user: AwarenessUser | null;
}

/**
 * One Markdown document of a room on its own socket: the problem statement
 * or the interviewers' notes. The server decides who may open and write it;
 * `canWrite` only tells the UI whether to offer an editor.
 */
export class ChannelSession {
  readonly doc = new Y.Doc();
  readonly text: Y.Text;
  readonly awareness = new Awareness(this.doc);
  /** Tracks only this client's edits, as in the code editor. */
  readonly undoManager: Y.UndoManager;
  readonly provider: WebsocketProvider;
  /** This channel's own socket state: it can drop or be refused apart from the main one. */
  readonly connection: ConnectionMonitor;
  /** A writer's changes and this browser's copy of them; a reader keeps no copy. */
  readonly saving: DocumentSaving;
  readonly canWrite: boolean;

  /** The document as a string, for rendering. */
  markdown = $state('');
  #synced = $state(false);

  constructor(options: ChannelSessionOptions) {
    const rights = channelRights(options.channel, options.role);
    if (!rights.read) throw new RangeError(`a ${options.role} may not open the ${options.channel} channel`);
    this.canWrite = rights.write;
    this.text = this.doc.getText(ChannelText[options.channel]);
    this.undoManager = new Y.UndoManager(this.text);
    // A reader publishes no cursor; a writer's label matches the code editor's.
    this.awareness.setLocalState(rights.write && options.user ? { user: options.user } : null);
    this.provider = new WebsocketProvider(relayUrl(location), channelRoomName(options.roomId, options.channel), this.doc, {
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
      localCopy: rights.write ? localCopyName(options.roomId, options.channel, options.role) : null,
    });
    this.connection = new ConnectionMonitor(this.provider);
    this.text.observe(this.#read);
    this.provider.on('sync', this.#onSync);
    this.provider.connect();
  }

  /** True once the first full sync completed, or this browser's copy brought back a state from the server. */
  get loaded(): boolean {
    return this.#synced || this.saving.restored;
  }

  readonly #read = (): void => {
    this.markdown = this.text.toString();
  };

  readonly #onSync = (synced: boolean): void => {
    if (!synced) return;
    this.#synced = true;
    this.#read();
  };

  destroy(): void {
    this.provider.off('sync', this.#onSync);
    this.text.unobserve(this.#read);
    this.connection.destroy();
    this.saving.destroy();
    this.provider.destroy();
    this.awareness.destroy();
    this.undoManager.destroy();
    this.doc.destroy();
  }
}
