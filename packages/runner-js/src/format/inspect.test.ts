import { inspect as nodeInspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { inspect } from './inspect.js';

class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}
}
class Empty {}
class ValidationError extends Error {}
class Base {}
class Derived extends Base {}

function circular(): unknown {
  const a: Record<string, unknown> = { name: 'a' };
  const b: Record<string, unknown> = { name: 'b', a };
  a.b = b;
  a.self = a;
  return a;
}

function sparse(): unknown[] {
  const array: unknown[] = [1];
  array[4] = 5;
  array.length = 7;
  return array;
}

function withExtraKeys(): unknown {
  const array: unknown[] & { extra?: string } = [1, 2];
  array.extra = 'x';
  return array;
}

// Values whose Node output we reproduce exactly; Node itself is the oracle.
const SAME_AS_NODE: Array<[string, unknown]> = [
  ['string', 'hello'],
  ['string with quote', "it's"],
  ['string with both quotes', `it's "x"`],
  ['string with control chars', 'a\tb\nc\u0001\u007f'],
  ['long string', 'x'.repeat(200)],
  ['multi-line string in object', { text: 'line one is long enough\nline two is also long enough\nthree' }],
  ['number', 42],
  ['negative zero', -0],
  ['NaN', Number.NaN],
  ['bigint', 123n],
  ['boolean', true],
  ['undefined', undefined],
  ['null', null],
  ['symbol', Symbol('tag')],
  ['named function', function namedFn() {}],
  ['arrow function', () => 1],
  ['anonymous function', [function () {}][0]],
  ['async function', async function load() {}],
  ['generator', function* gen() {}],
  ['class', Point],
  ['derived class', Derived],
  ['function with props', Object.assign(function tagged() {}, { a: 1 })],
  ['empty array', []],
  ['array', [1, 'two', { three: 3 }, [4]]],
  ['sparse array', sparse()],
  ['array with extra key', withExtraKeys()],
  ['long array', Array.from({ length: 150 }, (_, i) => i)],
  ['grouped numbers', Array.from({ length: 30 }, (_, i) => i * 7)],
  ['grouped strings', Array.from({ length: 26 }, (_, i) => String.fromCharCode(97 + i).repeat((i % 4) + 1))],
  ['array of objects', [{ a: 1, b: 2 }, { a: 3, b: 4 }]],
  ['nested beyond depth', { a: { b: { c: { d: { e: 1 } } } } }],
  ['nested arrays beyond depth', [[[[[1]]]]]],
  ['wide object', Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`key${i}`, `value number ${i}`]))],
  ['object', { a: 1, 'b-c': 2, 3: 'three', [Symbol('s')]: 4 }],
  ['empty object', {}],
  ['null prototype', Object.assign(Object.create(null) as object, { a: 1 })],
  ['empty null prototype', Object.create(null)],
  ['getter and setter', Object.defineProperties({}, { g: { get: () => 1, enumerable: true }, gs: { get: () => 1, set: () => {}, enumerable: true }, s: { set: () => {}, enumerable: true } })],
  ['class instance', new Point(1, 2)],
  ['empty class instance', new Empty()],
  ['Map', new Map<unknown, unknown>([['a', 1], [{ k: 1 }, [2]]])],
  ['empty Map', new Map()],
  ['Set', new Set([1, 'a', { b: 2 }])],
  ['large Set', new Set(Array.from({ length: 120 }, (_, i) => i))],
  ['Date', new Date(Date.UTC(2024, 0, 2, 3, 4, 5))],
  ['invalid Date', new Date(Number.NaN)],
  ['RegExp', /a+b/gi],
  ['circular', circular()],
  ['typed array', new Uint8Array([1, 2, 3])],
  ['float typed array', new Float64Array([1.5, -0])],
  ['bigint typed array', new BigInt64Array([1n, 2n])],
  ['long typed array', new Int16Array(130)],
  ['ArrayBuffer', new Uint8Array([1, 2, 255]).buffer],
  ['DataView', new DataView(new ArrayBuffer(2))],
  ['WeakMap', new WeakMap()],
  ['WeakSet', new WeakSet()],
  ['boxed number', new Number(3)],
  ['boxed string', new String('abc')],
  ['boxed boolean', new Boolean(false)],
  ['toStringTag', { [Symbol.toStringTag]: 'Custom', a: 1 }],
  ['object with undefined', { a: undefined, b: null }],
  ['nested maps', new Map([['outer', new Map([['inner', new Set([1])]])]])],
  ['mixed nesting', { list: [1, 2, { deep: { deeper: { deepest: true } } }], map: new Map([[1, { x: 1 }]]) }],
];

describe('inspect matches Node', () => {
  it.each(SAME_AS_NODE)('%s', (_name, value) => {
    expect(inspect(value)).toBe(nodeInspect(value));
  });

  it('honours depth and maxArrayLength like Node', () => {
    const value = { a: { b: { c: {} } }, list: [1, 2, 3, 4, 5] };
    expect(inspect(value, { depth: 0 })).toBe(nodeInspect(value, { depth: 0 }));
    expect(inspect(value, { maxArrayLength: 2 })).toBe(nodeInspect(value, { maxArrayLength: 2 }));
    expect(inspect(value, { breakLength: Infinity })).toBe(nodeInspect(value, { breakLength: Infinity }));
  });
});

describe('errors', () => {
  it('prints the stack of an error, like Node', () => {
    const error = new TypeError('bad value');
    expect(inspect(error)).toBe(nodeInspect(error));
  });

  it('names a subclass that did not set name, like Node', () => {
    const error = new ValidationError('invalid');
    expect(inspect(error)).toBe(nodeInspect(error));
    expect(inspect(error).startsWith('ValidationError: invalid\n    at ')).toBe(true);
  });

  it('brackets an error without stack frames', () => {
    const error = new Error('no frames');
    error.stack = 'Error: no frames';
    expect(inspect(error)).toBe('[Error: no frames]');
    expect(inspect(error)).toBe(nodeInspect(error));
  });

  it('shows extra properties and the cause', () => {
    const cause = new Error('root');
    cause.stack = 'Error: root';
    const error = Object.assign(new Error('outer', { cause }), { code: 'E_OUTER' });
    error.stack = 'Error: outer';
    expect(inspect(error)).toBe(nodeInspect(error));
    expect(inspect(error)).toContain("code: 'E_OUTER'");
    expect(inspect(error)).toContain('[cause]: [Error: root]');
  });

  it('indents a nested error stack', () => {
    const error = new RangeError('inner');
    const value = { error };
    expect(inspect(value)).toBe(nodeInspect(value));
  });

  it('rewrites stacks through mapStack', () => {
    const error = new Error('mapped');
    error.stack = 'Error: mapped\n    at blob:null/abc:12:3\n    at prelude (blob:null/abc:2:1)';
    const mapped = inspect(error, { mapStack: () => 'Error: mapped\n    at main.js:2:3' });
    expect(mapped).toBe('Error: mapped\n    at main.js:2:3');
  });
});

describe('what a browser cannot mirror', () => {
  it('prints a promise without its state', () => {
    expect(inspect(Promise.resolve(1))).toBe('Promise { <unknown> }');
  });

  it('prints arguments as an array', () => {
    const args = (function (..._rest: unknown[]) {
      // eslint-disable-next-line prefer-rest-params -- the arguments object is what is being printed
      return arguments;
    })(1, 2);
    expect(inspect(args)).toBe('[Arguments] [ 1, 2 ]');
  });
});

describe('hostile values', () => {
  it('does not run a toStringTag getter (Node does)', () => {
    let called = false;
    class Tagged {
      get [Symbol.toStringTag]() {
        called = true;
        return 'Other';
      }
    }
    expect(inspect(new Tagged())).toBe('Tagged {}');
    expect(called).toBe(false);
  });

  it('never runs getters', () => {
    let called = false;
    const value = {
      get trap() {
        called = true;
        return 1;
      },
    };
    expect(inspect(value)).toBe('{ trap: [Getter] }');
    expect(called).toBe(false);
  });

  it('survives a revoked proxy and throwing traps', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(inspect({ proxy })).toBe('{ proxy: [Object: cannot be inspected] }');
    const throwing = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('nope');
        },
      },
    );
    expect(inspect([throwing, 1])).toBe('[ [Object: cannot be inspected], 1 ]');
  });

  it('is not fooled by a fake toStringTag', () => {
    const fake = { [Symbol.toStringTag]: 'Map', size: 3 };
    expect(inspect(fake)).toBe(nodeInspect(fake));
  });

  it('stays bounded for a deep chain', () => {
    let value: Record<string, unknown> = {};
    const root = value;
    for (let i = 0; i < 10000; i++) {
      const next = {};
      value.next = next;
      value = next;
    }
    expect(inspect(root)).toBe('{ next: { next: { next: [Object] } } }');
    expect(inspect(root, { depth: Infinity }).length).toBeGreaterThan(0);
  });
});
