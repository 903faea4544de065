import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { displayWidth, formatTable } from './table.js';

/** What Node's own console.table prints, without the trailing newline. */
function nodeTable(data: unknown, properties?: string[]): string {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  new Console({ stdout: sink, colorMode: false }).table(data, properties);
  return text.replace(/\n$/, '');
}

const CASES: Array<[string, unknown, string[]?]> = [
  ['array of objects with different keys', [{ a: 1, b: 'x' }, { a: 22, c: [1, 2, 3, 4] }]],
  ['array of arrays', [[1, 2], [3, 4]]],
  ['array of primitives', [1, 'two', null]],
  ['object of rows and primitives', { r1: { c: 1 }, r2: 5 }],
  ['nested objects collapse', { a: { x: 1, y: { deep: 1 }, z: 3 }, b: { x: { k: 1 } } }],
  ['Map', new Map<unknown, unknown>([['k', { x: 1 }], [2, 'two']])],
  ['Set', new Set([1, 'a'])],
  ['selected columns', [{ a: 1, b: 2 }, { a: 3 }], ['a', 'z']],
  ['wide characters', ['日本語', 'a']],
  ['integer-like column names first', [{ b: 1, 2: 'x', a: 3 }]],
];

describe('formatTable matches console.table', () => {
  it.each(CASES)('%s', (_name, data, properties) => {
    expect(formatTable(data, properties)).toBe(nodeTable(data, properties));
  });

  it('returns null for primitives so the caller logs them plainly', () => {
    expect(formatTable(5)).toBeNull();
    expect(formatTable(null)).toBeNull();
  });
});

describe('displayWidth', () => {
  it('counts wide and zero-width characters', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
  });
});
