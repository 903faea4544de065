import { formatNumber, inspect, type InspectOptions } from './inspect.js';

/** Constructors whose `toString` is the built-in one: `%s` inspects those instead of calling it. */
const BUILT_IN_CONSTRUCTORS = new Set([
  'Object',
  'Array',
  'Error',
  'EvalError',
  'RangeError',
  'ReferenceError',
  'SyntaxError',
  'TypeError',
  'URIError',
  'AggregateError',
  'Date',
  'RegExp',
  'Map',
  'Set',
  'WeakMap',
  'WeakSet',
  'Promise',
  'Function',
  'Number',
  'String',
  'Boolean',
  'Symbol',
  'BigInt',
  'ArrayBuffer',
  'DataView',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float16Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
]);

function hasBuiltInToString(value: object): boolean {
  try {
    if (typeof (value as { toString?: unknown }).toString !== 'function') return true;
    if (Object.prototype.hasOwnProperty.call(value, 'toString')) return false;
    let pointer: object | null = value;
    do {
      pointer = Object.getPrototypeOf(pointer) as object | null;
    } while (pointer !== null && !Object.prototype.hasOwnProperty.call(pointer, 'toString'));
    if (pointer === null) return true;
    const descriptor = Object.getOwnPropertyDescriptor(pointer, 'constructor');
    return typeof descriptor?.value === 'function' && BUILT_IN_CONSTRUCTORS.has((descriptor.value as { name: string }).name);
  } catch {
    return true;
  }
}

function toNumberText(value: unknown, parse: (value: unknown) => number): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return 'NaN';
  return formatNumber(parse(value));
}

function stringifyJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'undefined';
  } catch (error) {
    if (error instanceof TypeError && /circular/i.test(error.message)) return '[Circular]';
    throw error;
  }
}

/**
 * Node's `util.format`: `printf`-style placeholders (`%s %d %i %f %j %o %O %c %%`)
 * in a leading string, then the remaining arguments separated by spaces,
 * strings as they are and everything else inspected.
 */
export function formatLogArgs(args: readonly unknown[], options: InspectOptions = {}): string {
  const first = args[0];
  let a = 0;
  let str = '';
  let join = '';
  if (typeof first === 'string') {
    if (args.length === 1) return first;
    let lastPos = 0;
    let replacement = '';
    for (let i = 0; i < first.length - 1; i++) {
      if (first.charCodeAt(i) !== 37) continue; // '%'
      const next = first.charCodeAt(++i);
      if (a + 1 !== args.length) {
        switch (next) {
          case 115: {
            // %s
            const arg = args[++a];
            if (typeof arg === 'number') replacement = formatNumber(arg);
            else if (typeof arg === 'bigint') replacement = `${arg}n`;
            else if (typeof arg !== 'object' || arg === null || !hasBuiltInToString(arg)) replacement = String(arg);
            else replacement = inspect(arg, { ...options, depth: 0 });
            break;
          }
          case 106: // %j
            replacement = stringifyJson(args[++a]);
            break;
          case 100: // %d
            replacement = toNumberText(args[++a], Number);
            break;
          case 79: // %O
            replacement = inspect(args[++a], options);
            break;
          case 111: // %o
            replacement = inspect(args[++a], { ...options, depth: 4 });
            break;
          case 105: // %i
            replacement = toNumberText(args[++a], (v) => Number.parseInt(String(v)));
            break;
          case 102: // %f
            replacement = toNumberText(args[++a], (v) => Number.parseFloat(String(v)));
            break;
          case 99: // %c: CSS, meaningless in text output
            a += 1;
            replacement = '';
            break;
          case 37: // %%
            str += first.slice(lastPos, i);
            lastPos = i + 1;
            continue;
          default:
            continue;
        }
        if (lastPos !== i - 1) str += first.slice(lastPos, i - 1);
        str += replacement;
        lastPos = i + 1;
      } else if (next === 37) {
        str += first.slice(lastPos, i);
        lastPos = i + 1;
      }
    }
    if (lastPos !== 0) {
      a++;
      join = ' ';
      if (lastPos < first.length) str += first.slice(lastPos);
    }
  }
  while (a < args.length) {
    const value = args[a];
    str += join;
    str += typeof value !== 'string' ? inspect(value, options) : value;
    join = ' ';
    a++;
  }
  return str;
}
