/**
 * Frames written by the stock y-protocols/y-websocket code decode with the
 * protocol package, and the protocol package's frames read with y-protocols.
 * This lives in the server package because `@interview/protocol` depends on
 * lib0 alone; the server is the one that has to understand stock clients.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import { messageAuth, messageAwareness, messageQueryAwareness, messageSync } from 'y-websocket';
import {
  decodeClientFrame,
  encodeAwarenessFrame,
  encodeDocumentUpdate,
  encodeSyncStep1,
  encodeSyncStep2,
  MessageType,
  RoomDocument,
  SyncMessageType,
  type ClientFrame,
} from '@interview/protocol';

/** A frame exactly as y-websocket's provider writes it: the message type, then the y-protocols body. */
function stockFrame(type: number, body: (encoder: encoding.Encoder) => void = () => {}): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, type);
  body(encoder);
  return encoding.toUint8Array(encoder);
}

function decoded(frame: Uint8Array): ClientFrame {
  const result = decodeClientFrame(frame);
  if (!result.ok) throw new Error(`a stock frame did not decode: ${result.reason}`);
  return result.value;
}

function docWithText(text: string): Y.Doc {
  const doc = new Y.Doc();
  doc.getText(RoomDocument.code).insert(0, text);
  return doc;
}

describe('frames of the stock y-websocket client', () => {
  it('uses the same message type numbers', () => {
    expect(MessageType.Sync).toBe(messageSync);
    expect(MessageType.Awareness).toBe(messageAwareness);
    expect(MessageType.Auth).toBe(messageAuth);
    expect(MessageType.QueryAwareness).toBe(messageQueryAwareness);
    expect(SyncMessageType).toEqual({
      Step1: syncProtocol.messageYjsSyncStep1,
      Step2: syncProtocol.messageYjsSyncStep2,
      Update: syncProtocol.messageYjsUpdate,
    });
  });

  it('decodes sync step 1 written by y-protocols, to the same state vector', () => {
    const doc = docWithText('hello');
    const frame = stockFrame(messageSync, (e) => syncProtocol.writeSyncStep1(e, doc));
    const message = decoded(frame);
    expect(message.kind).toBe('sync-step1');
    expect(message.kind === 'sync-step1' && Array.from(message.stateVector)).toEqual(Array.from(Y.encodeStateVector(doc)));
    expect(Array.from(frame)).toEqual(Array.from(encodeSyncStep1(Y.encodeStateVector(doc))));
  });

  it('decodes sync step 2 written by y-protocols to an update that rebuilds the document', () => {
    const doc = docWithText('from a stock client');
    const frame = stockFrame(messageSync, (e) => syncProtocol.writeSyncStep2(e, doc));
    const message = decoded(frame);
    expect(message.kind).toBe('update');
    if (message.kind !== 'update') return;
    const copy = new Y.Doc();
    Y.applyUpdate(copy, message.update);
    expect(copy.getText(RoomDocument.code).toString()).toBe('from a stock client');
  });

  it('decodes an incremental update written by y-protocols', () => {
    const doc = docWithText('abc');
    let update: Uint8Array | null = null;
    doc.on('update', (u: Uint8Array) => (update = u));
    doc.getText(RoomDocument.code).delete(0, 1);
    const frame = stockFrame(messageSync, (e) => syncProtocol.writeUpdate(e, update!));
    expect(decoded(frame)).toEqual({ kind: 'update', update: update! });
    expect(Array.from(frame)).toEqual(Array.from(encodeDocumentUpdate(update!)));
  });

  it('decodes an awareness update written by y-protocols, and the update applies', () => {
    const doc = new Y.Doc();
    const awareness = new awarenessProtocol.Awareness(doc);
    awareness.setLocalState({ user: { name: 'Stock', color: '#123456', colorLight: '#12345633', role: 'candidate' } });
    const frame = stockFrame(messageAwareness, (e) =>
      encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID])),
    );
    const message = decoded(frame);
    expect(message.kind).toBe('awareness');
    if (message.kind !== 'awareness') return;
    const other = new awarenessProtocol.Awareness(new Y.Doc());
    awarenessProtocol.applyAwarenessUpdate(other, message.update, 'test');
    expect(other.getStates().get(doc.clientID)).toEqual(awareness.getLocalState());
    awareness.destroy();
    other.destroy();
  });

  it('decodes the query-awareness frame', () => {
    expect(decoded(stockFrame(messageQueryAwareness))).toEqual({ kind: 'query-awareness' });
  });

  it('refuses the auth message, which only a server sends', () => {
    const frame = stockFrame(messageAuth, (e) => {
      encoding.writeVarUint(e, 0);
      encoding.writeVarString(e, 'denied');
    });
    expect(decodeClientFrame(frame)).toEqual({ ok: false, reason: 'message type 2 is not accepted from clients' });
  });
});

describe('frames the relay sends, read by y-protocols', () => {
  /** What the stock provider does with a sync frame: y-protocols' readSyncMessage after the message type. */
  function readAsStockClient(frame: Uint8Array, doc: Y.Doc): { step: number; reply: Uint8Array } {
    const decoder = decoding.createDecoder(frame);
    expect(decoding.readVarUint(decoder)).toBe(messageSync);
    const reply = encoding.createEncoder();
    const step = syncProtocol.readSyncMessage(decoder, reply, doc, 'relay');
    expect(decoding.hasContent(decoder)).toBe(false);
    return { step, reply: encoding.toUint8Array(reply) };
  }

  it('a stock client answers the relay’s sync step 1 with a step 2 the relay decodes', () => {
    const relayDoc = docWithText('relay');
    const clientDoc = docWithText('client');
    const { step, reply } = readAsStockClient(encodeSyncStep1(Y.encodeStateVector(relayDoc)), clientDoc);
    expect(step).toBe(syncProtocol.messageYjsSyncStep1);
    // The reply carries no message type; the provider prefixes it.
    const answer = decoded(Uint8Array.from([messageSync, ...reply]));
    expect(answer.kind).toBe('update');
    if (answer.kind !== 'update') return;
    Y.applyUpdate(relayDoc, answer.update);
    expect(relayDoc.getText(RoomDocument.code).toString()).toContain('client');
  });

  it('a stock client applies the relay’s step 2 and incremental updates', () => {
    const relayDoc = docWithText('shared text');
    const clientDoc = new Y.Doc();
    const step2 = readAsStockClient(encodeSyncStep2(Y.encodeStateAsUpdate(relayDoc)), clientDoc);
    expect(step2.step).toBe(syncProtocol.messageYjsSyncStep2);
    expect(clientDoc.getText(RoomDocument.code).toString()).toBe('shared text');

    let update: Uint8Array | null = null;
    relayDoc.on('update', (u: Uint8Array) => (update = u));
    relayDoc.getText(RoomDocument.code).insert(0, '> ');
    const incremental = readAsStockClient(encodeDocumentUpdate(update!), clientDoc);
    expect(incremental.step).toBe(syncProtocol.messageYjsUpdate);
    expect(clientDoc.getText(RoomDocument.code).toString()).toBe('> shared text');
  });

  it('a stock client applies the relay’s awareness frames', () => {
    const source = new awarenessProtocol.Awareness(new Y.Doc());
    source.setLocalState({ user: { name: 'Ada' } });
    const frame = encodeAwarenessFrame(awarenessProtocol.encodeAwarenessUpdate(source, [source.clientID]));
    const decoder = decoding.createDecoder(frame);
    expect(decoding.readVarUint(decoder)).toBe(messageAwareness);
    const target = new awarenessProtocol.Awareness(new Y.Doc());
    awarenessProtocol.applyAwarenessUpdate(target, decoding.readVarUint8Array(decoder), 'relay');
    expect(target.getStates().get(source.clientID)).toEqual({ user: { name: 'Ada' } });
    source.destroy();
    target.destroy();
  });
});
