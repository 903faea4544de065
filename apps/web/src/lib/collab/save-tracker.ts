import * as decoding from 'lib0/decoding';
import { encodeSyncStep1, MessageType, SyncMessageType } from '@interview/protocol';

export interface SaveTrackerOptions {
  /** This document's state vector (`Y.encodeStateVector`), for the step 1 that asks for a receipt. */
  stateVector: () => Uint8Array;
  /** Called whenever `unsynced` flips. */
  onChange?: (unsynced: boolean) => void;
}

/** The sync step of a frame from the server, or null for any other frame. */
function syncStepOf(frame: Uint8Array): number | null {
  try {
    const decoder = decoding.createDecoder(frame);
    if (decoding.readVarUint(decoder) !== MessageType.Sync) return null;
    return decoding.readVarUint(decoder);
  } catch {
    return null;
  }
}

/**
 * Whether this browser holds changes to one document that the server has
 * not confirmed yet.
 *
 * The y-websocket protocol has no acknowledgements, and the provider's
 * `synced` flag only says that the first exchange after connecting is
 * done: an edit typed a moment before the socket dropped is neither
 * refused nor confirmed. What the relay does guarantee is that it answers
 * every sync step 1 with a step 2 only after it has handled everything
 * that arrived before that step 1 on the same socket (stored it, or
 * dropped it for lack of the right to write). So a step 1 sent after our
 * changes works as a receipt: its answer, the next step 2 in line,
 * confirms them. At most one receipt is asked for at a time; changes made
 * meanwhile wait for the next, so fast typing costs one round trip, not one
 * per keystroke.
 *
 * Changes are counted, not compared as state vectors: deleting text adds no
 * item to a Yjs document and leaves its state vector unchanged.
 *
 * The owner reports, in the order they happen: local changes (`changed`,
 * after the provider has sent them), the socket opening (`opened`, just
 * before the provider sends its own step 1), every frame the server sends
 * (`received`, after the provider has handled it) and the socket closing
 * (`closed`).
 */
export class SaveTracker {
  /** Local changes made so far. */
  #changes = 0;
  /** Changes the server has handled. */
  #confirmed = 0;
  /** Changes known to have gone out on the current socket. */
  #sent = 0;
  /**
   * The step 1s on the current socket that still wait for their step 2,
   * oldest first: the change count each confirms, or null for the
   * provider's own (sent before any of our changes on that socket).
   */
  #awaiting: Array<number | null> = [];
  /** How to send on the current socket; null while there is none. */
  #send: ((frame: Uint8Array) => void) | null = null;
  /**
   * The server has asked for what it lacks on this socket, and the provider
   * answered with every change this document holds.
   */
  #caughtUp = false;
  readonly #options: SaveTrackerOptions;

  constructor(options: SaveTrackerOptions) {
    this.#options = options;
  }

  get unsynced(): boolean {
    return this.#changes > this.#confirmed;
  }

  /** A change that did not come from the server. */
  changed(): void {
    this.#update(() => {
      this.#changes++;
      // Before the server asked, only this change went out, not the ones made offline; the count covers a prefix only.
      if (this.#send && this.#caughtUp) this.#sent = this.#changes;
    });
  }

  /** The socket is open; the provider is about to send its own step 1. */
  opened(send: (frame: Uint8Array) => void): void {
    this.#send = send;
    this.#caughtUp = false;
    // What went out on an earlier socket may never have arrived.
    this.#sent = this.#confirmed;
    this.#awaiting = [null];
  }

  /** A frame from the server, after the provider has handled it (and answered it, if it asked). */
  received(frame: Uint8Array): void {
    if (!this.#send) return;
    const step = syncStepOf(frame);
    if (step === SyncMessageType.Step1) {
      this.#caughtUp = true;
      this.#sent = this.#changes;
      this.#askForReceipt();
    } else if (step === SyncMessageType.Step2) {
      const covered = this.#awaiting.shift();
      this.#update(() => {
        if (covered !== undefined && covered !== null) this.#confirmed = Math.max(this.#confirmed, covered);
      });
    }
  }

  closed(): void {
    this.#send = null;
    this.#caughtUp = false;
    this.#sent = this.#confirmed;
    this.#awaiting = [];
  }

  #askForReceipt(): void {
    if (!this.#send || this.#sent <= this.#confirmed) return;
    if (this.#awaiting.some((covered) => covered !== null)) return;
    this.#awaiting.push(this.#sent);
    this.#send(encodeSyncStep1(this.#options.stateVector()));
  }

  #update(change: () => void): void {
    const before = this.unsynced;
    change();
    if (this.unsynced !== before) this.#options.onChange?.(this.unsynced);
    this.#askForReceipt();
  }
}
