import { format as nodeFormat } from 'node:util';
import { describe, expect, it } from 'vitest';
import { formatLogArgs } from './format-args.js';

class WithToString {
  toString(): string {
    return 'custom!';
  }
}

const CASES: Array<[string, unknown[]]> = [
  ['a lone string stays plain', ['hello world']],
  ['strings are plain at top level and quoted inside objects', ['name:', 'Ada', { name: 'Ada' }]],
  ['numbers and others joined by spaces', [1, 2n, true, null, undefined, Symbol('s')]],
  ['%s with string, number, object', ['%s|%s|%s|%s', 'x', 42, { a: { b: 1 } }, new WithToString()]],
  ['%d and %i', ['%d %i %d %i', '42.5', '42.5', 10n, Symbol('x')]],
  ['%f', ['%f', '3.25abc']],
  ['%j with a circular value', ['%j %j', { a: 1 }, (() => {
    const c: Record<string, unknown> = {};
    c.c = c;
    return c;
  })()]],
  ['%o and %O', ['%O', { a: [1, 2] }]],
  ['%c is dropped', ['%cstyled', 'color: red']],
  ['%% is a percent sign', ['100%% done %s', 'now']],
  ['unknown placeholder stays', ['%x %s', 'y']],
  ['placeholders without arguments stay', ['%s and %d']],
  ['extra arguments follow', ['%s', 'a', 'b', { c: 1 }]],
  ['first argument not a string', [{ a: 1 }, '%s', 'x']],
];

describe('formatLogArgs matches util.format', () => {
  it.each(CASES)('%s', (_name, args) => {
    expect(formatLogArgs(args)).toBe(nodeFormat(...args));
  });
});
