import * as Y from 'yjs';
import { MessageType, SyncMessageType } from '@interview/protocol';
import {
  BAD_UTF8,
  concatBytes,
  flipBits,
  hostileVarUint,
  HUGE_NUMBERS,
  overwriteBytes,
  spliceBytes,
  truncate,
  varBytes,
  varUint,
  withBadUtf8,
} from './byte-mutations.js';
import {
  BASE_KINDS,
  baseFrame,
  BROKEN_EVENTS,
  deepDepth,
  misLengthFrame,
  ownPresence,
  payloadHeader,
  replaceMarker,
  syncFrame,
  updateEnvelope,
  type CategorySpec,
  type MakeContext,
} from './frame-kit.js';
import type { FuzzTarget } from './fuzz-targets.js';
import { deepJson } from './hostile-json.js';
import type { Prng } from './prng.js';
import { awarenessFrame, awarenessUpdate, encodeSyncStep1, presenceState, queryAwarenessFrame, rawEventFrame, runId, stateVector } from './valid-frames.js';
import { seededDoc } from './yjs-updates.js';

/**
 * Frames broken every way the issue lists: cut short, lying lengths, huge
 * varints, bad UTF-8, deep JSON, unknown types, oversized, random bytes,
 * flipped bits, and Yjs updates that pass the frame decoder but not Yjs.
 */
export const MALFORMED_CATEGORIES = {
  truncated: {
    variants: Object.fromEntries(
      BASE_KINDS.map((kind) => [kind, (rng: Prng, target: FuzzTarget, context: MakeContext) => truncate(rng, baseFrame(kind, rng, target, context))]),
    ),
  },
  'wrong-length': {
    variants: {
      'length-too-long': (rng, _target, context) => misLengthFrame(rng, context, (n) => n + rng.pick([1, 2, 100, 65_536, 2 ** 31])),
      'length-too-short': (rng, _target, context) => misLengthFrame(rng, context, (n) => n - 1 - rng.int(Math.max(1, n))),
      'trailing-bytes': (rng, target, context) =>
        concatBytes(rng.chance(0.2) ? queryAwarenessFrame() : baseFrame(rng.pick(BASE_KINDS), rng, target, context), rng.bytes(1 + rng.int(16))),
      'awareness-string-length': (rng, target) => {
        const json = new TextEncoder().encode(JSON.stringify(presenceState(rng, target.role)));
        const lie = rng.chance(0.5) ? json.length + 1 + rng.int(1000) : rng.int(json.length);
        return concatBytes([MessageType.Awareness], varBytes(concatBytes(varUint(1), varUint(rng.uint32()), varUint(1), varUint(lie), json)));
      },
      'awareness-entry-count': (rng, target) => {
        const entries = [ownPresence(rng, target)];
        return concatBytes([MessageType.Awareness], varBytes(awarenessUpdate(entries, rng.pick([0, 2, 3, 255]))));
      },
      'state-vector-count': (rng) => {
        const body = stateVector([[rng.uint32(), rng.int(100)]]).subarray(1);
        return encodeSyncStep1(concatBytes(varUint(rng.pick([0, 2, 7, 1000])), body));
      },
    },
  },
  'huge-varint': {
    variants: {
      'message-type': (rng) => concatBytes(hostileVarUint(rng).bytes, rng.bytes(rng.int(8))),
      'sync-step': (rng) => concatBytes([MessageType.Sync], hostileVarUint(rng).bytes, rng.bytes(rng.int(8))),
      'payload-length': (rng) => concatBytes(payloadHeader(rng), hostileVarUint(rng).bytes, rng.bytes(rng.int(32))),
      'awareness-entry-count': (rng) => concatBytes([MessageType.Awareness], varBytes(concatBytes(hostileVarUint(rng).bytes, varUint(1), varUint(1), varUint(2), new TextEncoder().encode('{}')))),
      'awareness-client-id': (rng) =>
        concatBytes([MessageType.Awareness], varBytes(concatBytes(varUint(1), rng.chance(0.5) ? varUint(rng.pick(HUGE_NUMBERS)) : hostileVarUint(rng).bytes, varUint(1), varBytes(new TextEncoder().encode('{"user":{"name":"huge"}}'))))),
      'awareness-clock': (rng) =>
        concatBytes([MessageType.Awareness], varBytes(concatBytes(varUint(1), varUint(rng.uint32()), rng.chance(0.5) ? varUint(rng.pick(HUGE_NUMBERS)) : hostileVarUint(rng).bytes, varBytes(new TextEncoder().encode('{}'))))),
      'awareness-state-length': (rng) => concatBytes([MessageType.Awareness], varBytes(concatBytes(varUint(1), varUint(rng.uint32()), varUint(1), hostileVarUint(rng).bytes, new TextEncoder().encode('{}')))),
      'state-vector-values': (rng) => encodeSyncStep1(concatBytes(varUint(1), varUint(rng.pick(HUGE_NUMBERS)), varUint(rng.pick(HUGE_NUMBERS)))),
      'state-vector-overlong': (rng) => encodeSyncStep1(concatBytes(varUint(1), hostileVarUint(rng).bytes, hostileVarUint(rng).bytes)),
      'update-header': (rng, _target, context) => updateEnvelope(rng, concatBytes(hostileVarUint(rng).bytes, context.validUpdate(rng).subarray(1))),
      'update-client-and-clock': (rng) => {
        // One struct count, then a struct group whose client id and clock are huge.
        const update = concatBytes(varUint(1), varUint(1), varUint(rng.pick(HUGE_NUMBERS)), varUint(rng.pick(HUGE_NUMBERS)), rng.bytes(4 + rng.int(12)));
        return updateEnvelope(rng, update);
      },
    },
  },
  'bad-utf8': {
    variants: {
      'event-json-string': (rng) => {
        const encode = (text: string) => new TextEncoder().encode(text);
        const json = concatBytes(encode(`{"type":"stop-execution","payload":{"runId":"${runId(rng)}","note":"`), rng.pick(BAD_UTF8), encode('"}}'));
        return rawEventFrame(json);
      },
      'event-json-anywhere': (rng) => rawEventFrame(withBadUtf8(rng, JSON.stringify({ type: 'execution-output', payload: { runId: runId(rng), stream: 'stdout', text: 'ok' } }))),
      'awareness-state': (rng, target) => awarenessFrame([{ clientId: rng.uint32(), clock: 1, json: withBadUtf8(rng, JSON.stringify(presenceState(rng, target.role))) }]),
      'yjs-text-content': (rng) => {
        const doc = seededDoc(rng);
        doc.getText('code').insert(0, 'UTF8-MARKER-TEXT');
        return updateEnvelope(rng, replaceMarker(rng, Y.encodeStateAsUpdate(doc), 'UTF8-MARKER-TEXT'));
      },
      'yjs-map-key': (rng) => {
        const doc = seededDoc(rng);
        doc.getMap('meta').set('UTF8-MARKER-KEY', 1);
        return updateEnvelope(rng, replaceMarker(rng, Y.encodeStateAsUpdate(doc), 'UTF8-MARKER-KEY'));
      },
      'yjs-root-name': (rng) => {
        const doc = seededDoc(rng);
        doc.getText('UTF8-MARKER-ROOT').insert(0, 'x');
        return updateEnvelope(rng, replaceMarker(rng, Y.encodeStateAsUpdate(doc), 'UTF8-MARKER-ROOT'));
      },
    },
  },
  'deep-json': {
    variants: {
      'event-is-deep-array': (rng, _target, context) => rawEventFrame(deepJson('array', deepDepth(rng, 'array', context, 16))),
      'event-payload-extra-field': (rng, _target, context) =>
        rawEventFrame(`{"type":"stop-execution","payload":{"runId":"deep","extra":${deepJson('array', deepDepth(rng, 'array', context, 80))}}}`),
      'event-known-field': (rng, _target, context) =>
        rawEventFrame(`{"type":"execution-output","payload":{"runId":"deep","stream":"stdout","text":${deepJson('object', deepDepth(rng, 'object', context, 100))}}}`),
      'awareness-state-array': (rng, _target, context) =>
        awarenessFrame([{ clientId: rng.uint32(), clock: 1, json: `{"user":{"name":"deep"},"cursor":${deepJson('array', deepDepth(rng, 'array', context, 64))}}` }]),
      'awareness-state-object': (rng, _target, context) =>
        awarenessFrame([{ clientId: rng.uint32(), clock: 1, json: `{"user":{"name":"deep"},"cursor":${deepJson('object', deepDepth(rng, 'object', context, 64))}}` }]),
    },
  },
  'unknown-message-type': {
    variants: {
      // 2 is y-protocols' auth message: clients may not send it.
      auth: (rng) => concatBytes([MessageType.Auth], varUint(0), varBytes(new TextEncoder().encode(rng.word(8)))),
      reserved: (rng) => concatBytes(varUint(rng.range(4, 99)), rng.bytes(rng.int(16))),
      'above-room-event': (rng) => concatBytes(varUint(rng.range(101, 16_383)), rng.bytes(rng.int(16))),
      large: (rng) => concatBytes(varUint(rng.pick([2 ** 20, 2 ** 32, Number.MAX_SAFE_INTEGER])), rng.bytes(rng.int(16))),
      'unknown-sync-step': (rng, _target, context) => syncFrame(rng.pick([3, 4, 100, 2 ** 32]), context.validUpdate(rng)),
    },
  },
  'unknown-event-type': {
    variants: {
      'unknown-type': (rng) => rawEventFrame(JSON.stringify({ type: rng.pick(['launch-missiles', 'execute', 'EXECUTE-CODE', '', 'x'.repeat(500)]), payload: {} })),
      'prototype-names': (rng) => rawEventFrame(JSON.stringify({ type: rng.pick(['__proto__', 'constructor', 'toString', 'hasOwnProperty']), payload: {} })),
      'type-not-string': (rng) => rawEventFrame(`{"type":${rng.pick(['1', 'null', 'true', '["execute-code"]', '{"a":1}'])},"payload":{}}`),
      'payload-missing': () => rawEventFrame('{"type":"stop-execution"}'),
      'payload-not-object': (rng) => rawEventFrame(`{"type":"stop-execution","payload":${rng.pick(['null', '[]', '"x"', '7', '[{"runId":"a"}]'])}}`),
      'payload-in-prototype': () => rawEventFrame('{"type":"stop-execution","payload":{"__proto__":{"runId":"proto"}}}'),
      'event-in-prototype': () => rawEventFrame('{"__proto__":{"type":"stop-execution","payload":{"runId":"proto"}}}'),
      'not-an-object': (rng) => rawEventFrame(rng.pick(['null', '1', '"execute-code"', '[]', 'true', '1e999'])),
      'not-json': (rng) => rawEventFrame(rng.pick(['', '{', '{"type":', "{'type':'x'}", 'undefined', 'NaN', '{"a":1}}', '\u0000'])),
      'bad-field': (rng) => rawEventFrame(JSON.stringify(rng.pick(BROKEN_EVENTS)(rng))),
    },
  },
  oversized: {
    variants: {
      // Over MAX_MESSAGE_BYTES: the relay reads it and refuses it (4413).
      'just-over': (rng, _target, context) => {
        const payload = new Uint8Array(context.maxMessageBytes + rng.int(64)).fill(rng.int(256));
        return concatBytes([MessageType.Sync, SyncMessageType.Update], varUint(payload.length), payload);
      },
      // Over four times the limit: the socket layer refuses it from its header (1009).
      'far-over': (rng, _target, context) => new Uint8Array(context.maxMessageBytes * 4 + 1 + rng.int(64)).fill(rng.int(256)),
    },
  },
  'random-bytes': {
    variants: {
      short: (rng) => rng.bytes(1 + rng.int(16)),
      medium: (rng) => rng.bytes(17 + rng.int(2048)),
      'known-type-prefix': (rng) => concatBytes(rng.pick([[0], [0, 0], [0, 1], [0, 2], [1], [3], [100]]), rng.bytes(1 + rng.int(64))),
    },
  },
  'bit-flip': {
    variants: Object.fromEntries(
      BASE_KINDS.map((kind) => [kind, (rng: Prng, target: FuzzTarget, context: MakeContext) => flipBits(rng, baseFrame(kind, rng, target, context))]),
    ),
  },
  'corrupted-yjs-update': {
    variants: {
      'flipped-bits': (rng, _target, context) => updateEnvelope(rng, flipBits(rng, context.validUpdate(rng))),
      'overwritten-bytes': (rng, _target, context) => updateEnvelope(rng, overwriteBytes(rng, context.validUpdate(rng))),
      'spliced-bytes': (rng, _target, context) => updateEnvelope(rng, spliceBytes(rng, context.validUpdate(rng))),
      'cut-short-inside': (rng, _target, context) => updateEnvelope(rng, truncate(rng, context.validUpdate(rng))),
      'garbage-delete-set': (rng) => updateEnvelope(rng, concatBytes(varUint(0), rng.bytes(1 + rng.int(24)))),
      'two-updates-glued': (rng, _target, context) => updateEnvelope(rng, concatBytes(context.validUpdate(rng), context.validUpdate(rng))),
    },
  },
  'text-frame': {
    variants: { text: (rng) => rng.pick(['hello', '\u0000', JSON.stringify({ type: 'stop-execution', payload: { runId: 'x' } }), rng.word(100)]) },
  },
  'empty-frame': {
    variants: { empty: () => new Uint8Array(0) },
  },
} satisfies Record<string, CategorySpec>;
