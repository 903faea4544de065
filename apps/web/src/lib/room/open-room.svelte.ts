import { channelRights, type RoomInfo } from '@interview/protocol';
import { fetchClientConfig } from '../api.js';
import type { EditLimits } from '../editor/edit-size.js';
import { ChannelSession } from '../collab/channel-session.svelte.js';
import type { DocumentSaving } from '../collab/document-saving.svelte.js';
import { readAwarenessUser } from '../collab/participants.js';
import { RoomSession } from '../collab/room-session.svelte.js';
import { SettingsState } from '../collab/settings-state.svelte.js';
import { RunHistoryState } from '../history/run-history.svelte.js';
import { reportError } from '../report.js';
import { RoomRun } from '../run/room-run.svelte.js';
import { captureSignals } from '../signals/signal-capture.js';
import { SignalFeed } from '../signals/signal-feed.svelte.js';
import type { SignalTracker } from '../signals/signal-tracker.js';
import { RoomStatusState } from '../status/room-status.svelte.js';

export interface OpenRoomOptions {
  roomId: string;
  token: string;
  name: string;
  info: RoomInfo;
  /** `info` is what this tab remembered: the server was out of reach when the page opened. */
  resumed?: boolean;
  /** Where the runners' sandbox frames live. */
  runnerHost: HTMLElement;
}

/**
 * Everything a participant has open in a room, created together and torn
 * down together: the main session, the Markdown channels, the settings,
 * the interview status, running code, and by role either the signals this
 * browser reports (candidates) or the signals and run history it shows
 * (interviewers). `unsynced` and `keptLocally` sum up where this
 * participant's changes stand across every document they write. The page
 * only renders it.
 */
export class OpenRoom {
  readonly session: RoomSession;
  readonly statement: ChannelSession;
  /** Interviewers only: a candidate's browser never opens the notes socket. */
  readonly notes: ChannelSession | null;
  readonly settings: SettingsState;
  readonly status: RoomStatusState;
  /** Interviewers only. */
  readonly signals: SignalFeed | null;
  /** Interviewers only. */
  readonly history: RunHistoryState | null;
  /** Candidates only: reports their large pastes and absences. */
  readonly signalTracker: SignalTracker | null;
  /** null until the runner configuration arrived. */
  running: RoomRun | null = $state.raw(null);
  /** What the server takes per edit and per document; null until the configuration arrived. */
  limits: EditLimits | null = $state.raw(null);

  readonly #stopCapture: () => void;
  #stopConfigRetry: (() => void) | null = null;
  #disposed = false;

  constructor({ roomId, token, name, info, resumed = false, runnerHost }: OpenRoomOptions) {
    const { role } = info;
    const interviewer = role === 'interviewer';
    this.session = new RoomSession({ roomId, token, name, role, resumed });
    const channel = { roomId, token, name, role, user: readAwarenessUser(this.session.awareness.getLocalState()) };
    this.statement = new ChannelSession({ ...channel, channel: 'statement' });
    this.notes = channelRights('notes', role).read ? new ChannelSession({ ...channel, channel: 'notes' }) : null;
    this.settings = new SettingsState(this.statement.doc, this.statement.canWrite);
    this.status = new RoomStatusState({ session: this.session, roomId, token, name, role, initial: info.status });
    this.signals = interviewer ? new SignalFeed(this.session, roomId, token) : null;
    this.history = interviewer ? new RunHistoryState(this.session, roomId, token) : null;
    if (role === 'candidate') {
      const capture = captureSignals((event) => this.session.events.send(event), { window, document });
      this.signalTracker = capture.tracker;
      this.#stopCapture = capture.stop;
    } else {
      this.signalTracker = null;
      this.#stopCapture = () => {};
    }
    this.#loadRunners(runnerHost);
  }

  /** Every document this participant writes, with where its changes stand. */
  get #writable(): DocumentSaving[] {
    const writable = [this.session.saving];
    if (this.statement.canWrite) writable.push(this.statement.saving);
    if (this.notes?.canWrite) writable.push(this.notes.saving);
    return writable;
  }

  /** Changes the server has not confirmed, in any document this participant writes. Reactive. */
  get unsynced(): boolean {
    return this.#writable.some((saving) => saving.unsynced);
  }

  /** This browser keeps a copy of every document this participant writes. Reactive. */
  get keptLocally(): boolean {
    return this.#writable.every((saving) => saving.keptLocally);
  }

  #loadRunners(runnerHost: HTMLElement): void {
    fetchClientConfig().then(
      (config) => {
        if (this.#disposed) return;
        this.running = new RoomRun(this.session, runnerHost, config, () => this.settings.timeLimitSeconds);
        this.limits = { maxMessageBytes: config.maxMessageBytes, maxDocumentBytes: config.maxDocumentBytes };
      },
      (error: unknown) => {
        if (this.#disposed) return;
        reportError('could not load the runner configuration', error);
        // A page opened while the server was out of reach gets its runners when the server is back.
        const stop = this.session.onReconnect(() => {
          stop();
          this.#loadRunners(runnerHost);
        });
        this.#stopConfigRetry = stop;
      },
    );
  }

  /** Runs the shared program here, unless the interview ended for this participant. */
  run(): void {
    if (this.status.lockedOut) return;
    this.running?.run();
  }

  destroy(): void {
    this.#disposed = true;
    this.#stopConfigRetry?.();
    this.#stopCapture();
    this.running?.dispose();
    this.running = null;
    this.history?.destroy();
    this.signals?.destroy();
    this.status.destroy();
    this.settings.destroy();
    this.notes?.destroy();
    this.statement.destroy();
    this.session.destroy();
  }
}
