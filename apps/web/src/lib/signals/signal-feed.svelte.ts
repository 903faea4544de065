import type { SignalRecordView } from '@interview/protocol';
import { fetchSignals } from '../api.js';
import type { RoomSession } from '../collab/room-session.svelte.js';
import { reportError } from '../report.js';
import { mergeSignals, signalFromEvent } from './signal-list.js';

/**
 * The candidate's signals for an interviewer: those stored before this page
 * opened (or while its socket was down) and those relayed live, merged.
 */
export class SignalFeed {
  signals: readonly SignalRecordView[] = $state.raw([]);
  loaded = $state(false);
  error: string | null = $state(null);

  readonly #roomId: string;
  readonly #token: string;
  readonly #unsubscribe: Array<() => void>;
  #disposed = false;

  constructor(session: RoomSession, roomId: string, token: string) {
    this.#roomId = roomId;
    this.#token = token;
    this.#unsubscribe = [
      session.events.on('signal', (event) => {
        const signal = signalFromEvent(event);
        if (signal) this.signals = mergeSignals(this.signals, [signal]);
      }),
      session.onReconnect(() => void this.load()),
    ];
    void this.load();
  }

  async load(): Promise<void> {
    try {
      const stored = await fetchSignals(this.#roomId, this.#token);
      if (this.#disposed) return;
      this.signals = mergeSignals(this.signals, stored);
      this.loaded = true;
      this.error = null;
    } catch (error) {
      if (this.#disposed) return;
      reportError('could not load the stored signals', error);
      this.error = 'Earlier signals could not be loaded; new ones still appear.';
    }
  }

  destroy(): void {
    this.#disposed = true;
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
  }
}
