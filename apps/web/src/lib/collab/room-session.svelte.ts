import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { WebsocketProvider } from 'y-websocket';
import {
  isLanguage,
  MetaKey,
  RoomDocument,
  RunTimeLimit,
  timeLimitSeconds,
  type Language,
  type Role,
  type RoomEvent,
} from '@interview/protocol';
import { applyRunEvent, type LatestRun } from '../run/latest-run.js';
import { ConnectionMonitor } from './connection-monitor.svelte.js';
import { Presence } from './presence.svelte.js';
import { RoomEventChannel } from './room-events.js';

export interface RoomSessionOptions {
  roomId: string;
  token: string;
  name: string;
  role: Role;
}

/** The relay's socket endpoint on the origin that served the page. */
export function relayUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

/**
 * One participant's live connection to a room: the shared document, the
 * socket, presence, room events and the connection state. The server seeds
 * the document; this client never writes initial content.
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
  readonly events: RoomEventChannel;

  /** null until the server's state arrived (it seeds the language). */
  language: Language | null = $state(null);
  /** How long a run may take in this room; interviewers change it. */
  timeLimitSeconds: number = $state(RunTimeLimit.defaultSeconds);
  /** True once the first full sync completed; stays true across reconnects. */
  loaded = $state(false);
  latestRun: LatestRun | null = $state.raw(null);

  readonly #unsubscribeRun: () => void;

  constructor(options: RoomSessionOptions) {
    // Presence is set before connecting, so the first awareness frame already names us.
    this.presence = new Presence(this.awareness, { name: options.name, role: options.role });
    this.provider = new WebsocketProvider(relayUrl(location), options.roomId, this.doc, {
      awareness: this.awareness,
      params: { token: options.token, name: options.name },
      // A BroadcastChannel between tabs would carry updates past the server's rights checks.
      disableBc: true,
      connect: false,
    });
    this.events = new RoomEventChannel(this.provider);
    this.#unsubscribeRun = this.events.subscribe((event) => {
      this.latestRun = applyRunEvent(this.latestRun, event);
    });
    this.connection = new ConnectionMonitor(this.provider);
    this.meta.observe(this.#readMeta);
    this.#readMeta();
    this.provider.on('sync', this.#onSync);
    this.provider.connect();
  }

  readonly #readMeta = (): void => {
    const value = this.meta.get(MetaKey.language);
    this.language = isLanguage(value) ? value : null;
    this.timeLimitSeconds = timeLimitSeconds(this.meta.get(MetaKey.timeLimitSeconds));
  };

  readonly #onSync = (synced: boolean): void => {
    if (synced) this.loaded = true;
  };

  /** Changes the language for everyone in the room. */
  setLanguage(language: Language): void {
    if (this.meta.get(MetaKey.language) === language) return;
    this.meta.set(MetaKey.language, language);
  }

  /** Changes the run time limit for everyone in the room. */
  setTimeLimit(seconds: number): void {
    const clamped = timeLimitSeconds(seconds);
    if (this.meta.get(MetaKey.timeLimitSeconds) === clamped) return;
    this.meta.set(MetaKey.timeLimitSeconds, clamped);
  }

  /** Applies an event this browser sent (the relay does not echo it back). */
  applyLocalEvent(event: RoomEvent): void {
    this.latestRun = applyRunEvent(this.latestRun, event);
  }

  destroy(): void {
    this.#unsubscribeRun();
    this.provider.off('sync', this.#onSync);
    this.meta.unobserve(this.#readMeta);
    this.connection.destroy();
    this.events.destroy();
    this.presence.destroy();
    this.provider.destroy();
    this.awareness.destroy();
    this.undoManager.destroy();
    this.doc.destroy();
  }
}
