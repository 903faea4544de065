import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import { CloseCode, decodeClientFrame } from '@interview/protocol';
// The relay's own presence check: the oracle must refuse exactly what the relay refuses.
import { awarenessUpdateProblem, MAX_PRESENCES_PER_CONNECTION } from '../../src/relay/awareness-check.js';
import type { FuzzFrame } from './frame-generator.js';
import { documentKey, targetWrites, type FuzzTarget } from './fuzz-targets.js';

/** What the relay is expected to do with one frame from one socket. */
export type Prediction =
  /** Handled (relayed, answered or dropped by rule); the socket stays open. `answered`: a sync step 1 the relay answers with step 2. */
  | { outcome: 'kept'; answered?: boolean }
  /** The socket is closed with one of these codes. */
  | { outcome: 'refused'; codes: readonly number[]; reason: string }
  /** A document update the sender may write and that applies: a real edit, which the fuzzer never sends. */
  | { outcome: 'changes-document'; reason: string }
  /** Refused, but Yjs integrates part of it before it throws: the part would be stored. */
  | { outcome: 'half-applies'; reason: string }
  /** Leaves the document unable to encode itself or to report later edits (a zero-length struct does): the room would stop working. */
  | { outcome: 'damages-document'; reason: string }
  /** Presence for a client id another socket also announced: whether it takes effect depends on which socket the relay heard first. */
  | { outcome: 'order-dependent'; reason: string };

const refused = (reason: string, codes: readonly number[] = [CloseCode.BadMessage]): Prediction => ({ outcome: 'refused', codes, reason });

/**
 * Why a document is no longer sound, or null: its state must load into a
 * fresh document, and a later edit must still be reported (the relay
 * stores and relays only what its document reports).
 */
function damage(doc: Y.Doc): string | null {
  try {
    const copy = new Y.Doc({ guid: 'oracle-copy' });
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
    copy.destroy();
  } catch (error) {
    return `its state no longer loads: ${String(error)}`;
  }
  let reported = false;
  const report = (): void => {
    reported = true;
  };
  doc.on('update', report);
  try {
    doc.getMap('oracle-probe').set('edit', 1);
  } catch (error) {
    return `a later edit throws: ${String(error)}`;
  } finally {
    doc.off('update', report);
  }
  return reported ? null : 'a later edit is not reported';
}

/** What came of applying an update to a copy of the document. */
function tryApply(known: Uint8Array, update: Uint8Array): Prediction {
  try {
    Y.decodeUpdate(update);
  } catch (error) {
    return refused(`update does not decode: ${String(error)}`);
  }
  // A fixed guid: a random one costs more than the rest of the prediction.
  const doc = new Y.Doc({ guid: 'oracle' });
  try {
    Y.applyUpdate(doc, known);
    let changed = false;
    const onUpdate = (): void => {
      changed = true;
    };
    doc.on('update', onUpdate);
    let thrown: unknown = null;
    try {
      Y.applyUpdate(doc, update);
    } catch (error) {
      thrown = error;
    }
    doc.off('update', onUpdate);
    if (thrown && changed) return { outcome: 'half-applies', reason: String(thrown) };
    // Pending structs or deletions change what the relay holds (and sends joiners) even before they integrate.
    const pending = doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
    if (!thrown && (changed || pending)) return { outcome: 'changes-document', reason: changed ? 'applies' : 'stays pending' };
    const damaged = damage(doc);
    if (damaged) return { outcome: 'damages-document', reason: `${thrown ? `${String(thrown)}; ` : ''}${damaged}` };
    return thrown ? refused(`update does not apply: ${String(thrown)}`) : { outcome: 'kept' };
  } finally {
    doc.destroy();
  }
}

/**
 * Predicts the relay's handling of each frame from the protocol's decoder
 * and the relay's rules (docs/protocol.md), so that the fuzzer knows when
 * a socket should close and can check that it did, and never sends a
 * frame that would legitimately change a document.
 */
export class FrameOracle {
  private readonly docs = new Map<string, Y.Doc>();
  /** Client ids of presences some socket's kept frame announced; the fuzzer's fixed ids recur across sockets. */
  private readonly heard = new Set<number>();

  constructor(
    private readonly maxMessageBytes: number,
    private readonly knownState: (target: FuzzTarget) => Uint8Array,
  ) {}

  /**
   * `owned` is the presences the frame's socket holds so far (the fuzzer's
   * client ids are random, so no other socket holds them); a kept presence
   * update changes it as the relay's own record would change.
   */
  predict(frame: FuzzFrame, target: FuzzTarget, owned: Set<number> = new Set()): Prediction {
    const { data } = frame;
    if (typeof data === 'string') return refused('text frame');
    // `ws` refuses past its cap from the frame header; the reset may beat the close frame (1006).
    if (data.byteLength > this.maxMessageBytes * 4) return refused('over the socket layer cap', [1009, 1006]);
    if (data.byteLength > this.maxMessageBytes) return refused('over MAX_MESSAGE_BYTES', [CloseCode.MessageTooLarge]);
    const decoded = decodeClientFrame(data);
    if (!decoded.ok) return refused(decoded.reason);
    const message = decoded.value;
    switch (message.kind) {
      case 'sync-step1':
        try {
          Y.encodeStateAsUpdate(this.doc(target), message.stateVector);
          return { outcome: 'kept', answered: true };
        } catch (error) {
          return refused(`state vector does not decode: ${String(error)}`);
        }
      case 'update':
        // Dropped unread when the sender may not write.
        return targetWrites(target) ? tryApply(this.knownState(target), message.update) : { outcome: 'kept' };
      case 'awareness': {
        const roleCheck = { role: target.role, knownClock: () => 0, otherOwnerRole: () => null };
        const problem = awarenessUpdateProblem(message.update, roleCheck);
        if (problem) return refused(problem);
        // The relay counts a presence only when it is newer than the clock it holds for that id, and
        // random ids recur over a long run (hundreds of thousands of frames): whether a socket is past
        // the cap depends on what other sockets sent first. The cap is tested in the relay's own tests.
        const owns = { has: (clientId: number) => owned.has(clientId), size: owned.size, max: MAX_PRESENCES_PER_CONNECTION };
        const overCap = awarenessUpdateProblem(message.update, { ...roleCheck, owned: owns });
        if (overCap) return { outcome: 'order-dependent', reason: overCap };
        const contested = presencesTaken(message.update).find((clientId) => this.heard.has(clientId) && !owned.has(clientId));
        if (contested !== undefined) return { outcome: 'order-dependent', reason: `client id ${contested} was announced by another socket` };
        for (const clientId of presencesTaken(message.update)) this.heard.add(clientId);
        holdPresences(message.update, owned);
        return { outcome: 'kept' };
      }
      case 'query-awareness':
        return { outcome: 'kept' };
      case 'event': {
        const { event } = message;
        if (target.channel !== 'main') return refused('room event on another channel than main');
        if (event.type === 'room-status') return refused('room-status from a client');
        const sizeless = event.type === 'signal' && event.payload.kind === 'paste' && (event.payload.chars === undefined || event.payload.lines === undefined);
        // Interviewers' signals are dropped before they are looked at.
        if (sizeless && target.role === 'candidate') return refused('paste signal without its size');
        return { outcome: 'kept' };
      }
    }
  }

  /** The document a target's socket is on, as the relay holds it; read only. */
  private doc(target: FuzzTarget): Y.Doc {
    const key = documentKey(target);
    let doc = this.docs.get(key);
    if (!doc) {
      doc = new Y.Doc();
      Y.applyUpdate(doc, this.knownState(target));
      this.docs.set(key, doc);
    }
    return doc;
  }

  destroy(): void {
    for (const doc of this.docs.values()) doc.destroy();
    this.docs.clear();
  }
}

/** The entries of a well-formed presence update that take effect (newer than clock 0), with whether each removes. */
function presenceEntries(update: Uint8Array): Array<{ clientId: number; removes: boolean }> {
  const decoder = decoding.createDecoder(update);
  const entries: Array<{ clientId: number; removes: boolean }> = [];
  for (let n = decoding.readVarUint(decoder); n > 0; n--) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const state: unknown = JSON.parse(decoding.readVarString(decoder));
    if (clock > 0) entries.push({ clientId, removes: state === null });
  }
  return entries;
}

/** Client ids whose presence a kept update sets. */
function presencesTaken(update: Uint8Array): number[] {
  return presenceEntries(update).flatMap((entry) => (entry.removes ? [] : [entry.clientId]));
}

/** What a kept presence update leaves a socket holding. */
function holdPresences(update: Uint8Array, owned: Set<number>): void {
  for (const { clientId, removes } of presenceEntries(update)) {
    if (removes) owned.delete(clientId);
    else owned.add(clientId);
  }
}
