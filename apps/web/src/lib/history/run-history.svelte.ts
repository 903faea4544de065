import type { RunRecordView } from '@interview/protocol';
import { fetchRuns } from '../api.js';
import type { RoomSession } from '../collab/room-session.svelte.js';
import { reportError } from '../report.js';
import { RunHistorySync } from './run-history.js';

/** The room's recorded runs for an interviewer's history panel, kept fresh by `RunHistorySync`. */
export class RunHistoryState {
  runs: readonly RunRecordView[] = $state.raw([]);
  loaded = $state(false);
  error: string | null = $state(null);

  readonly #sync: RunHistorySync;
  readonly #unsubscribe: Array<() => void>;

  constructor(session: RoomSession, roomId: string, token: string) {
    this.#sync = new RunHistorySync({
      load: () => fetchRuns(roomId, token),
      onChange: (runs) => {
        this.runs = runs;
        this.loaded = true;
        this.error = null;
      },
      onError: (error) => {
        reportError('could not load the run history', error);
        this.error = 'The run history could not be loaded.';
      },
    });
    this.#unsubscribe = [session.onEvent((event) => this.#sync.heard(event)), session.onReconnect(() => this.#sync.refresh())];
    this.#sync.refresh();
  }

  /** Asks the server again now (the panel's retry button). */
  refresh(): void {
    this.#sync.refresh();
  }

  destroy(): void {
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    this.#sync.dispose();
  }
}
