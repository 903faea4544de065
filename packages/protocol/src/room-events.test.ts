import { describe, expect, it } from 'vitest';
import * as encoding from 'lib0/encoding';
import { decodeClientFrame, decodeRoomEvent, encodeRoomEvent } from './frames.js';
import { MAX_JSON_DEPTH } from './json-depth.js';
import { MessageType } from './message-types.js';
import { EventLimits, isLargePaste, LARGE_PASTE, ROOM_EVENT_TYPES, validateRoomEvent, type RoomEvent } from './room-events.js';

/** A room-event frame carrying `json` verbatim, so tests can send what encodeRoomEvent never would. */
function eventFrame(json: string): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.RoomEvent);
  encoding.writeVarString(encoder, json);
  return encoding.toUint8Array(encoder);
}

function reasonFor(value: unknown): string {
  const decoded = decodeRoomEvent(eventFrame(JSON.stringify(value)));
  if (decoded.ok) throw new Error(`expected a refusal, got ${JSON.stringify(decoded.value)}`);
  return decoded.reason;
}

function accepted(value: unknown): RoomEvent {
  const decoded = decodeRoomEvent(eventFrame(JSON.stringify(value)));
  if (!decoded.ok) throw new Error(`expected the event to be accepted, got: ${decoded.reason}`);
  return decoded.value;
}

const execute = (payload: Record<string, unknown> = {}) => ({
  type: 'execute-code',
  payload: { runId: 'run-1', language: 'python', code: 'print(1)', ...payload },
});
const output = (payload: Record<string, unknown> = {}) => ({
  type: 'execution-output',
  payload: { runId: 'run-1', stream: 'stdout', text: '1\n', ...payload },
});
const result = (payload: Record<string, unknown> = {}) => ({
  type: 'execution-result',
  payload: { runId: 'run-1', output: '1\n', error: null, ...payload },
});

const ROUND_TRIPS: RoomEvent[] = [
  { type: 'execute-code', payload: { runId: 'run-1', language: 'python', code: 'print("héllo ✓")\n' } },
  {
    type: 'execute-code',
    payload: { runId: 'A-z_09', language: 'javascript', code: 'console.log(1)', by: { name: 'Ada 🙂', role: 'interviewer' } },
  },
  { type: 'execute-code', payload: { runId: 'r', language: 'python', code: '', by: { name: '', role: 'candidate' } } },
  { type: 'execution-output', payload: { runId: 'run-1', stream: 'stdout', text: 'line 1\nline 2\n' } },
  { type: 'execution-output', payload: { runId: 'run-1', stream: 'stderr', text: 'Traceback…\u0000\u2028' } },
  { type: 'execution-result', payload: { runId: 'run-1', output: 'ok\n', error: null } },
  { type: 'execution-result', payload: { runId: 'run-1', output: '', error: 'ZeroDivisionError', status: 'error', durationMs: 0 } },
  { type: 'execution-result', payload: { runId: 'run-1', output: 'partial', error: 'stopped', status: 'stopped', durationMs: 1234.5 } },
  { type: 'execution-result', payload: { runId: 'run-1', output: '', error: 'too slow', status: 'timeout' } },
  { type: 'execution-result', payload: { runId: 'run-1', output: 'x', error: null, status: 'ok' } },
  { type: 'execution-result', payload: { runId: 'run-1', output: '', error: 'NameError', status: 'error', errorLine: 3 } },
  { type: 'execution-input-request', payload: { runId: 'run-1', prompt: 'Your name? ' } },
  { type: 'execution-input', payload: { runId: 'run-1', text: 'Ada' } },
  { type: 'stop-execution', payload: { runId: 'x'.repeat(EventLimits.runIdLength) } },
  { type: 'signal', payload: { kind: 'paste', chars: 120, lines: 4 } },
  { type: 'signal', payload: { kind: 'focus-lost' } },
  {
    type: 'signal',
    payload: { kind: 'focus-returned', by: { name: 'Cleo', role: 'candidate' }, at: '2026-11-22T10:00:00.000Z', awayMs: 12_345 },
  },
  { type: 'room-status', payload: { ended: true, endedAt: '2026-11-22T10:45:00.000Z', endedBy: 'Ada' } },
  { type: 'room-status', payload: { ended: false, endedAt: null, endedBy: null } },
];

describe('encodeRoomEvent / decodeRoomEvent round trips', () => {
  it('covers every event type', () => {
    expect(new Set(ROUND_TRIPS.map((e) => e.type))).toEqual(new Set(ROOM_EVENT_TYPES));
  });

  it.each(ROUND_TRIPS.map((event) => [`${event.type} ${JSON.stringify(event.payload).slice(0, 60)}`, event] as const))(
    '%s',
    (_name, event) => {
      const encoded = encodeRoomEvent(event);
      expect(encoded[0]).toBe(MessageType.RoomEvent);
      expect(decodeRoomEvent(encoded)).toEqual({ ok: true, value: event });
      expect(decodeClientFrame(encoded)).toEqual({ ok: true, value: { kind: 'event', event } });
    },
  );

  it('keeps fields at their exact limits', () => {
    const code = 'x'.repeat(EventLimits.codeLength);
    const decoded = accepted(execute({ code, by: { name: 'n'.repeat(EventLimits.nameLength), role: 'candidate' } }));
    expect(decoded.type === 'execute-code' && decoded.payload.code.length).toBe(EventLimits.codeLength);
    expect(accepted(output({ text: 't'.repeat(EventLimits.textLength) })).payload).toMatchObject({ stream: 'stdout' });
  });
});

describe('room event refusals', () => {
  it('refuses an event string that is not valid JSON', () => {
    for (const json of ['', '{', '{"type":"stop-execution","payload":{"runId":"r"}', "{'type':1}", 'undefined', 'NaN']) {
      expect(decodeRoomEvent(eventFrame(json))).toEqual({ ok: false, reason: 'room event is not valid JSON' });
    }
  });

  it('refuses JSON that is not an object', () => {
    for (const json of ['null', '42', '"execute-code"', 'true', '[]', '[{"type":"stop-execution","payload":{"runId":"r"}}]']) {
      expect(decodeRoomEvent(eventFrame(json))).toEqual({ ok: false, reason: 'an event must be a JSON object' });
    }
  });

  it('refuses JSON nested deeper than MAX_JSON_DEPTH wherever it sits, without parsing it, even in a field nobody reads', () => {
    const deep = (depth: number, leaf = '0') => '['.repeat(depth) + leaf + ']'.repeat(depth);
    const depth = 100_000;
    const deepObject = '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    const refused = { ok: false, reason: `room event is nested deeper than ${MAX_JSON_DEPTH} levels` };
    for (const json of [
      deep(depth),
      `{"type":"execute-code","payload":${deep(depth)}}`,
      `{"type":"execute-code","payload":{"runId":"r","language":"python","code":${deep(depth)}}}`,
      `{"type":"execute-code","payload":{"runId":"r","language":"python","code":"","by":${deepObject}}}`,
      `{"type":"stop-execution","payload":{"runId":"r","junk":${deep(depth)}},"x":${deepObject}}`,
    ]) {
      expect(decodeRoomEvent(eventFrame(json))).toEqual(refused);
    }
    // Shallow unknown fields are dropped, so the relayed copy carries none of them.
    const decoded = decodeRoomEvent(eventFrame(`{"type":"stop-execution","payload":{"runId":"r","junk":${deep(10)}},"x":{"a":{"b":1}}}`));
    expect(decoded).toEqual({ ok: true, value: { type: 'stop-execution', payload: { runId: 'r' } } });
  });

  it('refuses an unknown event type, quoting at most 40 characters of it', () => {
    expect(reasonFor({ type: 'run-code', payload: {} })).toBe('unknown event type "run-code"');
    const reason = reasonFor({ type: 'y'.repeat(10_000), payload: {} });
    expect(reason).toBe(`unknown event type "${'y'.repeat(40)}"`);
    expect(reasonFor({ type: 7, payload: {} })).toBe('event.type must be a string');
    expect(reasonFor({ payload: {} })).toBe('event.type must be a string');
    expect(reasonFor({ type: '__proto__', payload: {} })).toBe('unknown event type "__proto__"');
  });

  it('refuses a missing or non-object payload', () => {
    expect(reasonFor({ type: 'stop-execution' })).toBe('event.payload must be an object');
    expect(reasonFor({ type: 'stop-execution', payload: null })).toBe('event.payload must be an object');
    expect(reasonFor({ type: 'stop-execution', payload: ['r'] })).toBe('event.payload must be an object');
    expect(reasonFor({ type: 'stop-execution', payload: 'r' })).toBe('event.payload must be an object');
  });

  describe('runId', () => {
    const pattern = 'payload.runId must be 1–64 characters of A–Z, a–z, 0–9, _ or -';
    it.each([
      ['empty', '', pattern],
      ['with a space', 'run 1', pattern],
      ['with a slash', '../etc', pattern],
      ['with a newline', 'run\n', pattern],
      ['non-ASCII', 'rün', pattern],
      ['too long', 'r'.repeat(EventLimits.runIdLength + 1), `payload.runId is longer than ${EventLimits.runIdLength} characters`],
      ['a number', 17, 'payload.runId must be a string'],
      ['missing', undefined, 'payload.runId must be a string'],
    ])('is refused when %s, in every event type', (_name, runId, reason) => {
      expect(reasonFor(execute({ runId }))).toBe(reason);
      expect(reasonFor(output({ runId }))).toBe(reason);
      expect(reasonFor(result({ runId }))).toBe(reason);
      expect(reasonFor({ type: 'stop-execution', payload: { runId } })).toBe(reason);
    });
  });

  it('refuses a language other than python or javascript', () => {
    for (const language of ['ruby', 'Python', '', null, 1]) {
      expect(reasonFor(execute({ language }))).toBe('payload.language must be "python" or "javascript"');
    }
  });

  it('refuses code that is not a string or is too long', () => {
    expect(reasonFor(execute({ code: 5 }))).toBe('payload.code must be a string');
    expect(reasonFor(execute({ code: undefined }))).toBe('payload.code must be a string');
    expect(reasonFor(execute({ code: 'x'.repeat(EventLimits.codeLength + 1) }))).toBe(
      `payload.code is longer than ${EventLimits.codeLength} characters`,
    );
  });

  it('refuses a malformed run author', () => {
    expect(reasonFor(execute({ by: 'Ada' }))).toBe('payload.by must be an object');
    expect(reasonFor(execute({ by: null }))).toBe('payload.by must be an object');
    expect(reasonFor(execute({ by: [] }))).toBe('payload.by must be an object');
    expect(reasonFor(execute({ by: { role: 'interviewer' } }))).toBe('payload.by.name must be a string');
    expect(reasonFor(execute({ by: { name: 'n'.repeat(EventLimits.nameLength + 1), role: 'interviewer' } }))).toBe(
      `payload.by.name is longer than ${EventLimits.nameLength} characters`,
    );
    expect(reasonFor(execute({ by: { name: 'Ada', role: 'admin' } }))).toBe('payload.by.role must be "interviewer" or "candidate"');
  });

  it('refuses a stream other than stdout or stderr, and text that is not a bounded string', () => {
    for (const stream of ['stdin', 'STDOUT', '', null]) {
      expect(reasonFor(output({ stream }))).toBe('payload.stream must be "stdout" or "stderr"');
    }
    expect(reasonFor(output({ text: null }))).toBe('payload.text must be a string');
    expect(reasonFor(output({ text: 't'.repeat(EventLimits.textLength + 1) }))).toBe(
      `payload.text is longer than ${EventLimits.textLength} characters`,
    );
  });

  it('refuses a result whose output or error is not a string (error may be null)', () => {
    expect(reasonFor(result({ output: null }))).toBe('payload.output must be a string');
    expect(reasonFor(result({ output: 'o'.repeat(EventLimits.textLength + 1) }))).toBe(
      `payload.output is longer than ${EventLimits.textLength} characters`,
    );
    expect(reasonFor(result({ error: 1 }))).toBe('payload.error must be a string');
    expect(reasonFor(result({ error: false }))).toBe('payload.error must be a string');
    expect(reasonFor(result({ error: { message: 'x' } }))).toBe('payload.error must be a string');
    expect(reasonFor(result({ error: undefined }))).toBe('payload.error must be a string');
    expect(reasonFor(result({ error: 'e'.repeat(EventLimits.textLength + 1) }))).toBe(
      `payload.error is longer than ${EventLimits.textLength} characters`,
    );
  });

  it('refuses an unknown status', () => {
    for (const status of ['crashed', 'OK', '', null, 0]) {
      expect(reasonFor(result({ status }))).toBe('payload.status must be one of ok, error, stopped, timeout');
    }
  });

  it('refuses a duration that is negative, not finite or not a number', () => {
    const reason = 'payload.durationMs must be a non-negative number';
    expect(reasonFor(result({ durationMs: -1 }))).toBe(reason);
    expect(reasonFor(result({ durationMs: -0.001 }))).toBe(reason);
    expect(reasonFor(result({ durationMs: '5' }))).toBe(reason);
    // JSON turns NaN into null; a frame cannot carry NaN itself.
    expect(reasonFor(result({ durationMs: Number.NaN }))).toBe(reason);
    // 1e999 is valid JSON that parses to Infinity.
    const infinite = eventFrame('{"type":"execution-result","payload":{"runId":"r","output":"","error":null,"durationMs":1e999}}');
    expect(decodeRoomEvent(infinite)).toEqual({ ok: false, reason });
    // Checked on values that never passed through JSON, too.
    for (const durationMs of [Number.NaN, Number.POSITIVE_INFINITY, -5]) {
      expect(validateRoomEvent(result({ durationMs }))).toEqual({ ok: false, reason });
    }
  });
});

describe('error lines and input events', () => {
  it('refuses an error line that is not a positive integer', () => {
    for (const errorLine of [0, -1, 1.5, '3', null]) {
      expect(reasonFor(result({ errorLine }))).toBe('payload.errorLine must be a positive integer');
    }
  });

  it('bounds prompts and answers', () => {
    const long = 'x'.repeat(EventLimits.inputLength + 1);
    expect(validateRoomEvent({ type: 'execution-input', payload: { runId: 'r', text: long } })).toEqual({
      ok: false,
      reason: `payload.text is longer than ${EventLimits.inputLength} characters`,
    });
    expect(validateRoomEvent({ type: 'execution-input-request', payload: { runId: 'r', prompt: 5 } })).toEqual({
      ok: false,
      reason: 'payload.prompt must be a string',
    });
  });
});

describe('validated events carry only known fields', () => {
  it('drops unknown fields at every level and keeps the known ones', () => {
    const withExtras = {
      type: 'execute-code',
      extra: 'top',
      payload: {
        runId: 'run-1',
        language: 'python',
        code: 'print(1)',
        by: { name: 'Ada', role: 'interviewer', token: 'secret', admin: true },
        html: '<img src=x onerror=alert(1)>',
        __proto__: { polluted: true },
      },
    };
    const decoded = accepted(withExtras);
    expect(decoded).toStrictEqual({
      type: 'execute-code',
      payload: { runId: 'run-1', language: 'python', code: 'print(1)', by: { name: 'Ada', role: 'interviewer' } },
    });
    // What is relayed is the validated copy: its encoding holds none of the extras.
    const relayed = new TextDecoder().decode(encodeRoomEvent(decoded));
    for (const dropped of ['extra', 'token', 'secret', 'admin', 'html', 'onerror']) expect(relayed).not.toContain(dropped);
  });

  it('drops unknown fields from each event type', () => {
    expect(accepted(output({ color: 'red' }))).toStrictEqual({
      type: 'execution-output',
      payload: { runId: 'run-1', stream: 'stdout', text: '1\n' },
    });
    expect(accepted(result({ exitCode: 1 }))).toStrictEqual({
      type: 'execution-result',
      payload: { runId: 'run-1', output: '1\n', error: null },
    });
    expect(accepted({ type: 'stop-execution', payload: { runId: 'r', force: true } })).toStrictEqual({
      type: 'stop-execution',
      payload: { runId: 'r' },
    });
  });

  it('returns a copy, not the object it was given', () => {
    const input = execute({ by: { name: 'Ada', role: 'candidate' } });
    const validated = validateRoomEvent(input);
    if (!validated.ok) throw new Error(validated.reason);
    expect(validated.value).not.toBe(input);
    expect(validated.value.payload).not.toBe(input.payload);
    (input.payload as Record<string, unknown>).code = 'changed later';
    expect(validated.value.type === 'execute-code' && validated.value.payload.code).toBe('print(1)');
  });

  it('omits optional fields that were not sent instead of setting them to undefined', () => {
    const decoded = accepted(execute());
    expect(Object.keys(decoded.payload).sort()).toEqual(['code', 'language', 'runId']);
    expect(Object.keys(accepted(result()).payload).sort()).toEqual(['error', 'output', 'runId']);
  });
});

describe('signal and room-status events', () => {
  const signal = (payload: Record<string, unknown>) => ({ type: 'signal', payload });
  const status = (payload: Record<string, unknown>) => ({ type: 'room-status', payload });

  it('refuses an unknown signal kind and counts that are not bounded non-negative integers', () => {
    expect(reasonFor(signal({ kind: 'copy' }))).toBe('payload.kind must be one of paste, focus-lost, focus-returned');
    expect(reasonFor(signal({}))).toBe('payload.kind must be one of paste, focus-lost, focus-returned');
    for (const bad of [-1, 1.5, '10', EventLimits.pasteSize + 1, Number.NaN]) {
      expect(reasonFor(signal({ kind: 'paste', chars: bad, lines: 1 }))).toBe(`payload.chars must be an integer from 0 to ${EventLimits.pasteSize}`);
      expect(reasonFor(signal({ kind: 'paste', chars: 1, lines: bad }))).toBe(`payload.lines must be an integer from 0 to ${EventLimits.pasteSize}`);
    }
    expect(reasonFor(signal({ kind: 'focus-returned', awayMs: -5 }))).toMatch(/payload\.awayMs must be an integer/);
  });

  it('refuses a signal whose stamped fields are malformed, and drops unknown fields', () => {
    expect(reasonFor(signal({ kind: 'focus-lost', at: 'yesterday' }))).toBe('payload.at must be an ISO 8601 date');
    expect(reasonFor(signal({ kind: 'focus-lost', at: 'x'.repeat(EventLimits.timestampLength + 1) }))).toMatch(/payload\.at is longer/);
    expect(reasonFor(signal({ kind: 'focus-lost', by: { name: 'Cleo', role: 'boss' } }))).toMatch(/payload\.by\.role/);
    expect(accepted(signal({ kind: 'focus-lost', clipboard: 'secret' }))).toStrictEqual({ type: 'signal', payload: { kind: 'focus-lost' } });
  });

  it('validates room-status: ended a boolean, endedAt an ISO date or null, endedBy a bounded name or null', () => {
    expect(reasonFor(status({ ended: 'yes', endedAt: null, endedBy: null }))).toBe('payload.ended must be a boolean');
    expect(reasonFor(status({ ended: true, endedAt: 'soon', endedBy: 'Ada' }))).toBe('payload.endedAt must be an ISO 8601 date');
    expect(reasonFor(status({ ended: true, endedBy: 'Ada' }))).toBe('payload.endedAt must be a string');
    expect(reasonFor(status({ ended: true, endedAt: '2026-11-22T10:45:00Z', endedBy: 'n'.repeat(EventLimits.nameLength + 1) }))).toMatch(
      /payload\.endedBy is longer/,
    );
  });

  it('calls a paste large from either bound', () => {
    expect(isLargePaste(LARGE_PASTE.chars, 1)).toBe(true);
    expect(isLargePaste(1, LARGE_PASTE.lines)).toBe(true);
    expect(isLargePaste(LARGE_PASTE.chars - 1, LARGE_PASTE.lines - 1)).toBe(false);
    expect(isLargePaste(0, 0)).toBe(false);
  });
});
