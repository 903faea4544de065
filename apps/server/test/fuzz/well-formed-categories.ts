import * as Y from 'yjs';
import { MAX_PRESENCES_PER_CONNECTION } from '../../src/relay/awareness-check.js';
import { EMPTY_UPDATE, GARBAGE_MARKER, ownPresence, updateEnvelope, type CategorySpec } from './frame-kit.js';
import { channelTextName, targetWrites } from './fuzz-targets.js';
import type { Prng } from './prng.js';
import {
  awarenessFrame,
  encodeDocumentUpdate,
  encodeSyncStep1,
  encodeSyncStep2,
  presenceState,
  queryAwarenessFrame,
  stateVector,
  VALID_EVENT_VARIANTS,
  validEventFrame,
} from './valid-frames.js';
import { editOf, seededDoc, stateVectorOf } from './yjs-updates.js';

/**
 * Frames that decode: valid ones of every message and event type (some of
 * which the relay refuses by rule), edits of channels the sender may not
 * write, and presences that lie about their role.
 */
export const WELL_FORMED_CATEGORIES = {
  'valid-sync-step1': {
    variants: {
      'empty-state-vector': () => encodeSyncStep1(Uint8Array.of(0)),
      'known-state-vector': (_rng, target, context) => encodeSyncStep1(stateVectorOf(context.knownState(target))),
      'random-clients': (rng) =>
        encodeSyncStep1(stateVector(Array.from({ length: rng.int(8) }, () => [rng.uint32(), rng.int(1_000_000)] as const))),
    },
  },
  'valid-sync-step2': {
    variants: {
      // Both change nothing in a document that already holds them, so the room's content stays as it was.
      'empty-update': () => encodeSyncStep2(EMPTY_UPDATE),
      'known-state': (_rng, target, context) => encodeSyncStep2(context.knownState(target)),
    },
  },
  'valid-update': {
    variants: {
      'empty-update': () => encodeDocumentUpdate(EMPTY_UPDATE),
      'known-state': (_rng, target, context) => encodeDocumentUpdate(context.knownState(target)),
    },
  },
  'valid-awareness': {
    variants: {
      'own-presence': (rng, target) => awarenessFrame([ownPresence(rng, target)]),
      'stock-client-presence': (rng) => awarenessFrame([{ clientId: rng.uint32(), clock: 1 + rng.int(100), json: JSON.stringify({ user: { name: 'stock' } }) }]),
      'removal': (rng) => awarenessFrame([{ clientId: rng.uint32(), clock: 1 + rng.int(100), json: 'null' }]),
      // Clock 0: an echo of a state the room already has a newer clock for; awareness ignores it.
      'stale-echo': (rng) => awarenessFrame([{ clientId: rng.uint32(), clock: 0, json: JSON.stringify(presenceState(rng, rng.pick(['interviewer', 'candidate']))) }]),
      // Up to the relay's cap of presences per connection.
      'several-entries': (rng, target) => awarenessFrame(Array.from({ length: 2 + rng.int(MAX_PRESENCES_PER_CONNECTION - 1) }, () => ownPresence(rng, target))),
      'empty-update': () => awarenessFrame([]),
    },
  },
  'valid-query-awareness': {
    variants: { query: () => queryAwarenessFrame() },
  },
  'valid-room-event': {
    variants: Object.fromEntries(VALID_EVENT_VARIANTS.map((variant) => [variant, (rng: Prng) => validEventFrame(rng, variant)])),
  },
  'forbidden-write': {
    only: (target) => !targetWrites(target),
    variants: {
      'text-edit': (rng, target, context) =>
        updateEnvelope(rng, editOf(rng, context.knownState(target), channelTextName(target.channel), `${GARBAGE_MARKER}-${rng.word(6)}`)),
      'foreign-document': (rng, _target, context) => updateEnvelope(rng, context.validUpdate(rng, 'state')),
      'delete-everything': (rng, target, context) => {
        const doc = seededDoc(rng);
        Y.applyUpdate(doc, context.knownState(target));
        const before = Y.encodeStateVector(doc);
        const text = doc.getText(channelTextName(target.channel));
        text.delete(0, text.length);
        text.insert(0, GARBAGE_MARKER);
        return updateEnvelope(rng, Y.encodeStateAsUpdate(doc, before));
      },
    },
  },
  'spoofed-presence': {
    variants: {
      'other-role': (rng, target) =>
        awarenessFrame([{ clientId: rng.uint32(), clock: 1 + rng.int(50), json: JSON.stringify(presenceState(rng, target.role === 'interviewer' ? 'candidate' : 'interviewer')) }]),
      'unknown-role': (rng) => awarenessFrame([{ clientId: rng.uint32(), clock: 1 + rng.int(50), json: JSON.stringify(presenceState(rng, rng.pick(['admin', 'Interviewer', '']))) }]),
      'role-not-string': (rng) => awarenessFrame([{ clientId: rng.uint32(), clock: 1, json: `{"user":{"name":"x","role":${rng.pick(['1', 'true', '["interviewer"]', '{"a":1}'])}}}` }]),
      'state-not-object': (rng) => awarenessFrame([{ clientId: rng.uint32(), clock: 1, json: rng.pick(['1', '"x"', '[1,2]', 'true']) }]),
      'state-not-json': (rng) => awarenessFrame([{ clientId: rng.uint32(), clock: 1, json: rng.pick(['{', '', 'undefined', '{"a":}']) }]),
    },
  },
} satisfies Record<string, CategorySpec>;
