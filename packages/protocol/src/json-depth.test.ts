import { describe, expect, it } from 'vitest';
import { jsonNestingExceeds, MAX_JSON_DEPTH } from './json-depth.js';

const nested = (depth: number, open = '[', close = ']'): string => open.repeat(depth) + close.repeat(depth);

describe('jsonNestingExceeds', () => {
  it('allows nesting up to the limit and refuses one level more, for arrays, objects and both mixed', () => {
    expect(jsonNestingExceeds(nested(MAX_JSON_DEPTH))).toBe(false);
    expect(jsonNestingExceeds(nested(MAX_JSON_DEPTH + 1))).toBe(true);
    const objects = (depth: number) => '{"a":'.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1);
    expect(jsonNestingExceeds(objects(MAX_JSON_DEPTH))).toBe(false);
    expect(jsonNestingExceeds(objects(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(jsonNestingExceeds('[{"a":[{"b":[]}]}]', 5)).toBe(false);
    expect(jsonNestingExceeds('[{"a":[{"b":[]}]}]', 4)).toBe(true);
  });

  it('counts depth, not brackets: siblings do not add up', () => {
    expect(jsonNestingExceeds(`[${Array.from({ length: 10_000 }, () => '[1]').join(',')}]`, 2)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonNestingExceeds(JSON.stringify({ text: '['.repeat(1000) }), 2)).toBe(false);
    expect(jsonNestingExceeds(JSON.stringify({ text: `\\"${'{'.repeat(1000)}"\\` }), 2)).toBe(false);
    expect(jsonNestingExceeds(`{"a\\"[[[":${nested(3)}}`, 3)).toBe(true);
    expect(jsonNestingExceeds(`{"a\\"[[[":${nested(2)}}`, 3)).toBe(false);
  });

  it('answers for the deepest input a frame can carry in one pass', () => {
    expect(jsonNestingExceeds(nested(500_000))).toBe(true);
    expect(jsonNestingExceeds(`{"user":{"name":"Ada","role":"interviewer"},"cursor":{"anchor":{"type":{"client":1,"clock":2},"tname":null,"item":null,"assoc":0}}}`)).toBe(false);
  });
});
