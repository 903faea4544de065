import { describe, expect, it } from 'vitest';
import * as encoding from 'lib0/encoding';
import { awarenessUpdateShapeProblem } from './awareness-update.js';
import { MAX_JSON_DEPTH } from './json-depth.js';

function update(entries: Array<{ clientId: number; clock: number; state: string | Uint8Array }>, count = entries.length): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, count);
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.clientId);
    encoding.writeVarUint(encoder, entry.clock);
    if (typeof entry.state === 'string') encoding.writeVarString(encoder, entry.state);
    else encoding.writeVarUint8Array(encoder, entry.state);
  }
  return encoding.toUint8Array(encoder);
}

describe('awarenessUpdateShapeProblem', () => {
  it('accepts what clients send: presences, removals, several entries, none', () => {
    const presence = JSON.stringify({ user: { name: 'Ada', role: 'interviewer' }, cursor: { anchor: { type: { client: 1, clock: 2 } } } });
    expect(awarenessUpdateShapeProblem(update([{ clientId: 7, clock: 3, state: presence }]))).toBeNull();
    expect(awarenessUpdateShapeProblem(update([{ clientId: 7, clock: 4, state: 'null' }, { clientId: 8, clock: 1, state: '{}' }]))).toBeNull();
    expect(awarenessUpdateShapeProblem(update([]))).toBeNull();
  });

  it('refuses a state nested deeper than MAX_JSON_DEPTH (JSON.stringify of one 5 000 levels deep overflows the stack)', () => {
    const deep = (depth: number) => `{"cursor":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
    expect(awarenessUpdateShapeProblem(update([{ clientId: 7, clock: 1, state: deep(MAX_JSON_DEPTH) }]))).toBeNull();
    for (const depth of [MAX_JSON_DEPTH + 1, 5_000, 100_000]) {
      expect(awarenessUpdateShapeProblem(update([{ clientId: 7, clock: 1, state: deep(depth) }]))).toBe(
        `awareness state is nested deeper than ${MAX_JSON_DEPTH} levels`,
      );
    }
    // Behind a harmless first entry too.
    expect(awarenessUpdateShapeProblem(update([{ clientId: 1, clock: 1, state: '{}' }, { clientId: 2, clock: 1, state: deep(5_000) }]))).toMatch(/nested deeper/);
  });

  it('refuses a state that is not UTF-8', () => {
    const bad = Uint8Array.of(0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d);
    expect(awarenessUpdateShapeProblem(update([{ clientId: 7, clock: 1, state: bad }]))).toMatch(/^malformed awareness update/);
  });

  it('refuses entries that are missing, cut short or followed by more bytes', () => {
    expect(awarenessUpdateShapeProblem(update([{ clientId: 7, clock: 1, state: '{}' }], 2))).toMatch(/^malformed awareness update/);
    const whole = update([{ clientId: 7, clock: 1, state: '{"user":{}}' }]);
    expect(awarenessUpdateShapeProblem(whole.subarray(0, whole.length - 2))).toMatch(/^malformed awareness update/);
    expect(awarenessUpdateShapeProblem(Uint8Array.from([...whole, 0]))).toBe('malformed awareness update: trailing bytes after its last entry');
    expect(awarenessUpdateShapeProblem(new Uint8Array(0))).toMatch(/^malformed awareness update/);
    // An entry count past 2^53.
    expect(awarenessUpdateShapeProblem(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f))).toMatch(/^malformed awareness update/);
  });
});
