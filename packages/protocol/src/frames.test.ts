import { describe, expect, it } from 'vitest';
import * as encoding from 'lib0/encoding';
import {
  decodeClientFrame,
  decodeRoomEvent,
  encodeAwarenessFrame,
  encodeDocumentUpdate,
  encodeRoomEvent,
  encodeSyncStep1,
  encodeSyncStep2,
  type ClientFrame,
} from './frames.js';
import { MAX_JSON_DEPTH } from './json-depth.js';
import { MessageType, SyncMessageType } from './message-types.js';
import type { RoomEvent } from './room-events.js';

/** Builds a frame by hand with lib0, the way y-protocols and y-websocket write them. */
function frame(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}

function concat(...parts: ArrayLike<number>[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Places `bytes` inside a larger buffer with other bytes on both sides and returns a view of exactly `bytes`. */
function viewInLargerBuffer(bytes: Uint8Array, fill = 0x41, before = 16, after = 64): Uint8Array {
  const backing = new Uint8Array(before + bytes.length + after).fill(fill);
  backing.set(bytes, before);
  return backing.subarray(before, before + bytes.length);
}

function expectFrame(data: Uint8Array): ClientFrame {
  const decoded = decodeClientFrame(data);
  if (!decoded.ok) throw new Error(`expected the frame to decode, got: ${decoded.reason}`);
  return decoded.value;
}

function expectRefused(data: Uint8Array): string {
  const decoded = decodeClientFrame(data);
  if (decoded.ok) throw new Error(`expected a refusal, got ${JSON.stringify(decoded.value)}`);
  expect(typeof decoded.reason).toBe('string');
  expect(decoded.reason.length).toBeGreaterThan(0);
  return decoded.reason;
}

const STATE_VECTOR = new Uint8Array([1, 0xb4, 0xd5, 0x8a, 0x91, 0x07, 0x05]);
const UPDATE = new Uint8Array([1, 1, 0xb4, 0xd5, 0x8a, 0x91, 0x07, 0, 4, 1, 4, 99, 111, 100, 101, 2, 104, 105, 0]);
const AWARENESS = frame((e) => {
  encoding.writeVarUint(e, 1); // one entry
  encoding.writeVarUint(e, 1234); // client id
  encoding.writeVarUint(e, 3); // clock
  encoding.writeVarString(e, JSON.stringify({ user: { name: 'Ada' } }));
});

describe('decodeClientFrame: every kind a client may send', () => {
  it('decodes sync step 1 written by hand like y-protocols writeSyncStep1', () => {
    const data = frame((e) => {
      encoding.writeVarUint(e, MessageType.Sync);
      encoding.writeVarUint(e, SyncMessageType.Step1);
      encoding.writeVarUint8Array(e, STATE_VECTOR);
    });
    expect(expectFrame(data)).toEqual({ kind: 'sync-step1', stateVector: STATE_VECTOR });
  });

  it('decodes sync step 2 and incremental updates both as an update', () => {
    for (const step of [SyncMessageType.Step2, SyncMessageType.Update]) {
      const data = frame((e) => {
        encoding.writeVarUint(e, MessageType.Sync);
        encoding.writeVarUint(e, step);
        encoding.writeVarUint8Array(e, UPDATE);
      });
      expect(expectFrame(data)).toEqual({ kind: 'update', update: UPDATE });
    }
  });

  it('decodes an awareness frame and returns the awareness update unparsed', () => {
    const data = frame((e) => {
      encoding.writeVarUint(e, MessageType.Awareness);
      encoding.writeVarUint8Array(e, AWARENESS);
    });
    expect(expectFrame(data)).toEqual({ kind: 'awareness', update: AWARENESS });
  });

  it('decodes a query-awareness frame (the type alone)', () => {
    expect(expectFrame(new Uint8Array([MessageType.QueryAwareness]))).toEqual({ kind: 'query-awareness' });
  });

  it('decodes a room event frame', () => {
    const event: RoomEvent = { type: 'stop-execution', payload: { runId: 'run-1' } };
    const data = frame((e) => {
      encoding.writeVarUint(e, MessageType.RoomEvent);
      encoding.writeVarString(e, JSON.stringify(event));
    });
    expect(expectFrame(data)).toEqual({ kind: 'event', event });
  });

  it('accepts empty byte arrays where the format allows them', () => {
    expect(expectFrame(encodeSyncStep1(new Uint8Array(0)))).toEqual({ kind: 'sync-step1', stateVector: new Uint8Array(0) });
    expect(expectFrame(encodeDocumentUpdate(new Uint8Array(0)))).toEqual({ kind: 'update', update: new Uint8Array(0) });
  });

  it('decodes what its own encoders write, byte for byte the same as the hand-built frames', () => {
    expect(encodeSyncStep1(STATE_VECTOR)).toEqual(
      frame((e) => {
        encoding.writeVarUint(e, 0);
        encoding.writeVarUint(e, 0);
        encoding.writeVarUint8Array(e, STATE_VECTOR);
      }),
    );
    expect(encodeSyncStep2(UPDATE)[1]).toBe(SyncMessageType.Step2);
    expect(encodeDocumentUpdate(UPDATE)[1]).toBe(SyncMessageType.Update);
    expect(expectFrame(encodeSyncStep1(STATE_VECTOR))).toEqual({ kind: 'sync-step1', stateVector: STATE_VECTOR });
    expect(expectFrame(encodeSyncStep2(UPDATE))).toEqual({ kind: 'update', update: UPDATE });
    expect(expectFrame(encodeDocumentUpdate(UPDATE))).toEqual({ kind: 'update', update: UPDATE });
    expect(expectFrame(encodeAwarenessFrame(AWARENESS))).toEqual({ kind: 'awareness', update: AWARENESS });
  });

  it('decodes a frame that is a view into a larger buffer and returns only the view’s bytes', () => {
    const view = viewInLargerBuffer(encodeDocumentUpdate(UPDATE), 0xff);
    const decoded = expectFrame(view);
    expect(decoded.kind).toBe('update');
    if (decoded.kind !== 'update') return;
    expect(decoded.update).toEqual(UPDATE);
    expect(decoded.update.byteOffset + decoded.update.byteLength).toBeLessThanOrEqual(view.byteOffset + view.byteLength);
  });

  it('decodeRoomEvent refuses a frame of another kind', () => {
    const decoded = decodeRoomEvent(encodeDocumentUpdate(UPDATE));
    expect(decoded).toEqual({ ok: false, reason: 'frame is not a room event' });
  });
});

describe('decodeClientFrame: refusals name what is wrong', () => {
  it('refuses an awareness update that is malformed inside or whose state nests too deep', () => {
    const deepState = frame((e) => {
      encoding.writeVarUint(e, 1);
      encoding.writeVarUint(e, 1234);
      encoding.writeVarUint(e, 1);
      encoding.writeVarString(e, `{"cursor":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    });
    expect(expectRefused(encodeAwarenessFrame(deepState))).toBe(`awareness state is nested deeper than ${MAX_JSON_DEPTH} levels`);
    // Claims two entries, carries one.
    const short = concat([2], AWARENESS.subarray(1));
    expect(expectRefused(encodeAwarenessFrame(short))).toMatch(/^malformed awareness update/);
  });

  it('refuses a room event nested deeper than MAX_JSON_DEPTH, even in a field the relay would drop', () => {
    const deep = (depth: number) => `{"type":"stop-execution","payload":{"runId":"r","extra":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
    const event = (json: string) =>
      frame((e) => {
        encoding.writeVarUint(e, MessageType.RoomEvent);
        encoding.writeVarString(e, json);
      });
    expect(expectFrame(event(deep(MAX_JSON_DEPTH - 2)))).toEqual({ kind: 'event', event: { type: 'stop-execution', payload: { runId: 'r' } } });
    expect(expectRefused(event(deep(MAX_JSON_DEPTH - 1)))).toBe(`room event is nested deeper than ${MAX_JSON_DEPTH} levels`);
    expect(expectRefused(event(deep(100_000)))).toBe(`room event is nested deeper than ${MAX_JSON_DEPTH} levels`);
  });

  it('refuses an empty frame', () => {
    expect(expectRefused(new Uint8Array(0))).toMatch(/malformed frame/);
  });

  it('refuses message types clients may not send, naming the type', () => {
    expect(expectRefused(new Uint8Array([MessageType.Auth, 0]))).toBe('message type 2 is not accepted from clients');
    expect(expectRefused(new Uint8Array([4]))).toBe('message type 4 is not accepted from clients');
    expect(expectRefused(new Uint8Array([99]))).toBe('message type 99 is not accepted from clients');
    const big = frame((e) => encoding.writeVarUint(e, 2 ** 32));
    expect(expectRefused(big)).toBe(`message type ${2 ** 32} is not accepted from clients`);
  });

  it('refuses an unknown sync message type, naming it', () => {
    expect(expectRefused(new Uint8Array([MessageType.Sync, 3, 0]))).toBe('unknown sync message type 3');
    expect(expectRefused(new Uint8Array([MessageType.Sync, 0x7f, 0]))).toBe('unknown sync message type 127');
  });

  it('refuses a sync frame that ends before its step', () => {
    expect(expectRefused(new Uint8Array([MessageType.Sync]))).toMatch(/malformed frame/);
  });

  it('refuses a varUint8Array whose length prefix is longer than the frame', () => {
    // Claims 10 bytes, carries 3.
    expect(expectRefused(new Uint8Array([MessageType.Sync, SyncMessageType.Update, 10, 1, 2, 3]))).toBe(
      'malformed frame: update is longer than the frame',
    );
    expect(expectRefused(new Uint8Array([MessageType.Sync, SyncMessageType.Step1, 5, 1]))).toBe(
      'malformed frame: state vector is longer than the frame',
    );
    expect(expectRefused(new Uint8Array([MessageType.Awareness, 2, 1]))).toBe(
      'malformed frame: awareness update is longer than the frame',
    );
    // A length prefix with no bytes after it at all.
    expect(expectRefused(new Uint8Array([MessageType.Awareness]))).toMatch(/malformed frame/);
  });

  it('does not read past the end of a view into a larger buffer that has the missing bytes', () => {
    for (const [type, step] of [
      [MessageType.Sync, SyncMessageType.Step1],
      [MessageType.Sync, SyncMessageType.Step2],
      [MessageType.Sync, SyncMessageType.Update],
      [MessageType.Awareness, null],
    ] as const) {
      // The prefix claims 8 bytes; the view holds 3, the buffer after the view holds 64 more.
      const bytes = step === null ? [type, 8, 1, 2, 3] : [type, step, 8, 1, 2, 3];
      const view = viewInLargerBuffer(new Uint8Array(bytes));
      expect(view.buffer.byteLength).toBeGreaterThan(view.byteOffset + view.byteLength + 8);
      expect(expectRefused(view)).toMatch(/longer than the frame/);
    }
    // The same for a room event's string.
    const event = encodeRoomEvent({ type: 'stop-execution', payload: { runId: 'r' } });
    const cut = viewInLargerBuffer(event.subarray(0, event.length - 3), 0x20);
    expect(expectRefused(cut)).toMatch(/room event/);
  });

  it('refuses a length prefix too large to be a length', () => {
    const data = frame((e) => {
      encoding.writeVarUint(e, MessageType.Sync);
      encoding.writeVarUint(e, SyncMessageType.Update);
      encoding.writeVarUint(e, 2 ** 40);
      encoding.writeUint8(e, 1);
    });
    expect(expectRefused(data)).toMatch(/longer than the frame/);
  });

  it('refuses varints beyond the safe integer range', () => {
    const huge = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f];
    expect(expectRefused(new Uint8Array(huge))).toBe('malformed frame: Integer out of Range');
    expect(expectRefused(new Uint8Array([MessageType.Sync, ...huge]))).toBe('malformed frame: Integer out of Range');
    expect(expectRefused(new Uint8Array([MessageType.Sync, SyncMessageType.Update, ...huge]))).toMatch(/malformed frame/);
    // A varint that never terminates.
    expect(expectRefused(new Uint8Array([0x80, 0x80, 0x80]))).toMatch(/malformed frame/);
  });

  it('refuses trailing bytes after the body of every kind', () => {
    expect(expectRefused(concat(encodeSyncStep1(STATE_VECTOR), [0]))).toBe('malformed frame: trailing bytes after state vector');
    expect(expectRefused(concat(encodeSyncStep2(UPDATE), [0]))).toBe('malformed frame: trailing bytes after update');
    expect(expectRefused(concat(encodeDocumentUpdate(UPDATE), [1, 2]))).toBe('malformed frame: trailing bytes after update');
    expect(expectRefused(concat(encodeAwarenessFrame(AWARENESS), [0]))).toBe(
      'malformed frame: trailing bytes after awareness update',
    );
    expect(expectRefused(concat([MessageType.QueryAwareness], [0]))).toMatch(/trailing bytes after query-awareness/);
    const event = encodeRoomEvent({ type: 'stop-execution', payload: { runId: 'r' } });
    expect(expectRefused(concat(event, [0x7b]))).toBe('trailing bytes after room event');
  });
});

/** mulberry32: small, fast and seeded, so a failing case can be reproduced from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KINDS = new Set<ClientFrame['kind']>(['sync-step1', 'update', 'awareness', 'query-awareness', 'event']);

describe('decodeClientFrame under fuzzing', () => {
  const SEED = 0x5eed1;
  const FRAMES = 20_000;

  const valid: Uint8Array[] = [
    encodeSyncStep1(STATE_VECTOR),
    encodeSyncStep2(UPDATE),
    encodeDocumentUpdate(UPDATE),
    encodeAwarenessFrame(AWARENESS),
    new Uint8Array([MessageType.QueryAwareness]),
    encodeRoomEvent({ type: 'execute-code', payload: { runId: 'run-1', language: 'python', code: 'print(1)' } }),
    encodeRoomEvent({
      type: 'execute-code',
      payload: { runId: 'run-2', language: 'javascript', code: 'console.log(1)', by: { name: 'Ada', role: 'interviewer' } },
    }),
    encodeRoomEvent({ type: 'execution-output', payload: { runId: 'run-1', stream: 'stdout', text: 'hello\n' } }),
    encodeRoomEvent({
      type: 'execution-result',
      payload: { runId: 'run-1', output: 'hello\n', error: null, status: 'ok', durationMs: 12.5 },
    }),
    encodeRoomEvent({ type: 'execution-result', payload: { runId: 'run-1', output: '', error: 'Boom' } }),
    encodeRoomEvent({ type: 'stop-execution', payload: { runId: 'run-1' } }),
  ];

  function hugeVarint(random: () => number): number[] {
    const length = 5 + Math.floor(random() * 8);
    return [...Array.from({ length: length - 1 }, () => 0x80 | Math.floor(random() * 128)), Math.floor(random() * 128)];
  }

  function mutate(source: Uint8Array, random: () => number): Uint8Array {
    let bytes = Array.from(source);
    const steps = 1 + Math.floor(random() * 4);
    for (let s = 0; s < steps; s++) {
      const at = Math.floor(random() * (bytes.length + 1));
      switch (Math.floor(random() * 6)) {
        case 0: // flip a bit
          if (bytes.length > 0) {
            const i = Math.min(at, bytes.length - 1);
            bytes[i] = bytes[i]! ^ (1 << Math.floor(random() * 8));
          }
          break;
        case 1: // truncate
          bytes = bytes.slice(0, at);
          break;
        case 2: // insert random bytes
          bytes.splice(at, 0, ...Array.from({ length: 1 + Math.floor(random() * 4) }, () => Math.floor(random() * 256)));
          break;
        case 3: // overwrite with a huge varint (a type, a step or a length prefix)
          bytes.splice(at, 1 + Math.floor(random() * 2), ...hugeVarint(random));
          break;
        case 4: // delete bytes
          bytes.splice(at, 1 + Math.floor(random() * 3));
          break;
        case 5: // replace a byte
          if (bytes.length > 0) bytes[Math.min(at, bytes.length - 1)] = Math.floor(random() * 256);
          break;
      }
    }
    return new Uint8Array(bytes);
  }

  function randomFrame(random: () => number): Uint8Array {
    const length = Math.floor(random() * 48);
    const bytes = Array.from({ length }, () => Math.floor(random() * 256));
    // Half of the random frames start with a type the decoder knows, so they get past the first switch.
    if (length > 0 && random() < 0.5) bytes[0] = [0, 1, 3, 100][Math.floor(random() * 4)]!;
    return new Uint8Array(bytes);
  }

  it(`never throws and always returns a result for ${FRAMES} random and mutated frames (seed ${SEED})`, () => {
    const random = prng(SEED);
    const counts = { ok: 0, refused: 0 };
    for (let i = 0; i < FRAMES; i++) {
      const source = valid[Math.floor(random() * valid.length)]!;
      const roll = random();
      let data = roll < 0.25 ? randomFrame(random) : roll < 0.95 ? mutate(source, random) : source;
      // Some frames are views into a larger buffer with junk after them.
      if (random() < 0.2) data = viewInLargerBuffer(data, Math.floor(random() * 256));
      let result: ReturnType<typeof decodeClientFrame>;
      try {
        result = decodeClientFrame(data);
      } catch (error) {
        throw new Error(`frame #${i} (seed ${SEED}) [${Array.from(data).join(',')}] threw: ${String(error)}`);
      }
      if (typeof result.ok !== 'boolean') throw new Error(`frame #${i} (seed ${SEED}) returned ${JSON.stringify(result)}`);
      if (result.ok) {
        counts.ok++;
        if (!KINDS.has(result.value.kind)) throw new Error(`frame #${i} decoded to unknown kind ${result.value.kind}`);
        if (result.value.kind === 'event') {
          // A decoded event must survive a round trip unchanged: it holds only validated fields.
          expect(decodeRoomEvent(encodeRoomEvent(result.value.event))).toEqual({ ok: true, value: result.value.event });
        }
        if (result.value.kind === 'update' || result.value.kind === 'awareness' || result.value.kind === 'sync-step1') {
          const bytes = result.value.kind === 'sync-step1' ? result.value.stateVector : result.value.update;
          // Returned bytes lie inside the frame, never past its end.
          expect(bytes.byteOffset + bytes.byteLength).toBeLessThanOrEqual(data.byteOffset + data.byteLength);
        }
      } else {
        counts.refused++;
        if (typeof result.reason !== 'string' || result.reason.length === 0) {
          throw new Error(`frame #${i} (seed ${SEED}) was refused without a reason`);
        }
      }
    }
    // The corpus exercises both outcomes; a decoder that refused (or accepted) everything would fail here.
    expect(counts.ok).toBeGreaterThan(FRAMES / 20);
    expect(counts.refused).toBeGreaterThan(FRAMES / 4);
  });
});
