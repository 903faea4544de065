import { RunTimeLimit } from '@interview/protocol';
import type * as Y from 'yjs';
import { readRoomSettings, settingsMap, writeTimeLimit } from './room-settings.js';

/**
 * The room's settings as the UI reads them, kept in step with the
 * statement document's `settings` map. Writes are offered to interviewers
 * only; the relay drops a candidate's writes to that channel anyway. (The
 * question id is written by `loadQuestion`, inside its own transaction.)
 */
export class SettingsState {
  readonly map: Y.Map<unknown>;
  readonly canWrite: boolean;
  timeLimitSeconds: number = $state(RunTimeLimit.defaultSeconds);
  questionId: string | null = $state(null);

  constructor(statementDoc: Y.Doc, canWrite: boolean) {
    this.map = settingsMap(statementDoc);
    this.canWrite = canWrite;
    this.map.observe(this.#read);
    this.#read();
  }

  readonly #read = (): void => {
    const view = readRoomSettings(this.map);
    this.timeLimitSeconds = view.timeLimitSeconds;
    this.questionId = view.questionId;
  };

  /** Changes the run time limit for everyone in the room. */
  setTimeLimit(seconds: number): void {
    if (!this.canWrite) throw new RangeError('only interviewers may change the time limit');
    writeTimeLimit(this.map, seconds);
  }

  destroy(): void {
    this.map.unobserve(this.#read);
  }
}
