import type { Role, RoomStatus } from '@interview/protocol';
import { ApiRequestError, fetchRoomInfo, setRoomStatus } from '../api.js';
import type { RoomSession } from '../collab/room-session.svelte.js';
import { reportError } from '../report.js';
import { isLockedOut, readRoomStatus, RoomStatusTracker } from './room-status.js';

export interface RoomStatusOptions {
  session: RoomSession;
  roomId: string;
  token: string;
  /** This participant's display name: who ended the interview, in the record. */
  name: string;
  role: Role;
  /** From `RoomInfo.status`, read when the page opened the room. */
  initial: unknown;
}

/**
 * Whether the interview has ended, for the UI: from the room info, then
 * from the relay's `room-status` events, and read again over HTTP after a
 * reconnect (an event sent while this socket was down is not replayed
 * unless the room is still ended). Interviewers end and reopen it here.
 */
export class RoomStatusState {
  status: RoomStatus = $state.raw(readRoomStatus(undefined));
  /** An end or reopen request is on its way. */
  changing = $state(false);
  /** Why the last end or reopen failed. */
  error: string | null = $state(null);
  readonly #options: RoomStatusOptions;

  readonly #tracker: RoomStatusTracker;
  readonly #unsubscribe: Array<() => void>;

  constructor(options: RoomStatusOptions) {
    this.#options = options;
    this.#tracker = new RoomStatusTracker(readRoomStatus(options.initial));
    this.status = this.#tracker.status;
    this.#unsubscribe = [
      options.session.events.on('room-status', (event) => {
        if (this.#tracker.heard(event.payload)) this.status = this.#tracker.status;
      }),
      options.session.onReconnect(() => void this.#reread()),
    ];
  }

  /** A candidate in an ended interview: the code is read-only and Run is off. Reactive through `status`. */
  get lockedOut(): boolean {
    return isLockedOut(this.status, this.#options.role);
  }

  async #reread(): Promise<void> {
    const ticket = this.#tracker.asking();
    try {
      const info = await fetchRoomInfo(this.#options.roomId, this.#options.token);
      if (this.#tracker.answered(ticket, readRoomStatus(info.status))) this.status = this.#tracker.status;
    } catch (error) {
      reportError('could not read the room status after reconnecting', error);
    }
  }

  /** Ends (true) or reopens (false) the interview; false when the server refused. */
  async setEnded(ended: boolean): Promise<boolean> {
    if (this.changing) return false;
    this.changing = true;
    this.error = null;
    const ticket = this.#tracker.asking();
    try {
      const status = await setRoomStatus(this.#options.roomId, this.#options.token, ended, this.#options.name);
      if (this.#tracker.answered(ticket, readRoomStatus(status))) this.status = this.#tracker.status;
      return true;
    } catch (error) {
      const action = ended ? 'end' : 'reopen';
      this.error =
        error instanceof ApiRequestError && error.status !== 0
          ? `Could not ${action} the interview: ${error.message}`
          : `Could not ${action} the interview. Check your connection and try again.`;
      return false;
    } finally {
      this.changing = false;
    }
  }

  destroy(): void {
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
  }
}
