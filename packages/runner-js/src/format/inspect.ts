/**
 * A port of the parts of Node's `util.inspect` that console output needs,
 * so `console.log` in the sandbox prints what candidates know from Node.
 * It runs inside the user's worker: it never calls getters, and a value that
 * throws while being read prints as a placeholder instead of breaking the log.
 */
import {
  functionKind,
  isArguments,
  isArrayBuffer,
  isDataView,
  isDate,
  isError,
  isMap,
  isPromise,
  isRegExp,
  isSet,
  isSharedArrayBuffer,
  isWeakMap,
  isWeakSet,
  typedArrayKind,
  unbox,
} from './brand.js';

export interface InspectOptions {
  /** Levels of nesting shown before `[Object]`; Node's default is 2. */
  depth?: number;
  /** Entries of arrays, typed arrays, maps and sets shown before "... N more items". */
  maxArrayLength?: number;
  /** Characters of a string shown before "... N more characters". */
  maxStringLength?: number;
  /** Width at which entries are put on separate lines. */
  breakLength?: number;
  /** How many inner levels may share one line (Node's `compact`). */
  compact?: number;
  /** Rewrites an error's stack before it is printed, e.g. to map line numbers. */
  mapStack?: (stack: string) => string;
}

interface Context {
  depth: number;
  maxArrayLength: number;
  maxStringLength: number;
  breakLength: number;
  compact: number;
  mapStack: (stack: string) => string;
  seen: object[];
  circular: Map<object, number> | undefined;
  indentationLvl: number;
  currentDepth: number;
  /** Characters produced per indentation level; runaway output stops recursing. */
  budget: Record<number, number>;
}

/** Entries of an array are printed without keys; other containers print `key: value`. */
const enum EntryKind {
  Object,
  ArrayElement,
  ArrayExtra,
}

const DEFAULTS = {
  depth: 2,
  maxArrayLength: 100,
  maxStringLength: 10000,
  breakLength: 80,
  compact: 3,
};

/** Strings shorter than this are never split over lines. */
const MIN_LINE_WIDTH = 16;
/** Past this many characters of output at one level, deeper levels print as `[Object]`. */
const OUTPUT_BUDGET = 2 ** 27;

const IDENTIFIER = /^[a-zA-Z_][a-zA-Z_0-9]*$/;
const NEEDS_ESCAPE = /[\x00-\x1f\x27\x5c\x7f-\x9f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const NEEDS_ESCAPE_NO_QUOTE = /[\x00-\x1f\x5c\x7f-\x9f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const ARRAY_INDEX = /^(0|[1-9][0-9]*)$/;

export function inspect(value: unknown, options: InspectOptions = {}): string {
  const ctx: Context = {
    depth: options.depth ?? DEFAULTS.depth,
    maxArrayLength: options.maxArrayLength ?? DEFAULTS.maxArrayLength,
    maxStringLength: options.maxStringLength ?? DEFAULTS.maxStringLength,
    breakLength: options.breakLength ?? DEFAULTS.breakLength,
    compact: options.compact ?? DEFAULTS.compact,
    mapStack: options.mapStack ?? ((stack) => stack),
    seen: [],
    circular: undefined,
    indentationLvl: 0,
    currentDepth: 0,
    budget: {},
  };
  return formatValue(ctx, value, 0);
}

// ---------------------------------------------------------------- primitives

const ESCAPES: Record<number, string> = {
  8: '\\b',
  9: '\\t',
  10: '\\n',
  12: '\\f',
  13: '\\r',
  39: "\\'",
  92: '\\\\',
};

function escapeCharCode(code: number): string {
  return ESCAPES[code] ?? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;
}

/** Quotes a string the way Node does: single quotes unless another quote needs fewer escapes. */
export function quoteString(str: string): string {
  let quote = "'";
  let test = NEEDS_ESCAPE;
  if (str.includes("'")) {
    if (!str.includes('"')) quote = '"';
    else if (!str.includes('`') && !str.includes('${')) quote = '`';
    if (quote !== "'") test = NEEDS_ESCAPE_NO_QUOTE;
  }
  if (!test.test(str)) return `${quote}${str}${quote}`;
  let result = '';
  let last = 0;
  for (let i = 0; i < str.length; i++) {
    const code = str.charCodeAt(i);
    const isQuote = quote === "'" && code === 39;
    if (isQuote || code === 92 || code < 32 || (code > 126 && code < 160)) {
      result += str.slice(last, i) + escapeCharCode(code);
      last = i + 1;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      const next = str.charCodeAt(i + 1);
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      result += `${str.slice(last, i)}\\u${code.toString(16).toUpperCase()}`;
      last = i + 1;
    }
  }
  return `${quote}${result}${str.slice(last)}${quote}`;
}

export function formatNumber(value: number): string {
  return Object.is(value, -0) ? '-0' : `${value}`;
}

function formatPrimitive(ctx: Context, value: unknown): string {
  switch (typeof value) {
    case 'string': {
      let str = value;
      let trailer = '';
      if (str.length > ctx.maxStringLength) {
        const remaining = str.length - ctx.maxStringLength;
        str = str.slice(0, ctx.maxStringLength);
        trailer = `... ${remaining} more character${remaining > 1 ? 's' : ''}`;
      }
      // Long strings inside objects are split after each newline so they stay readable.
      if (str.length > MIN_LINE_WIDTH && str.length > ctx.breakLength - ctx.indentationLvl - 4) {
        return (
          str
            .split(/(?<=\n)/)
            .map((line) => quoteString(line))
            .join(` +\n${' '.repeat(ctx.indentationLvl + 2)}`) + trailer
        );
      }
      return quoteString(str) + trailer;
    }
    case 'number':
      return formatNumber(value);
    case 'bigint':
      return `${value}n`;
    case 'boolean':
      return `${value}`;
    case 'undefined':
      return 'undefined';
    case 'symbol':
      return value.toString();
    default:
      return String(value);
  }
}

// ---------------------------------------------------------------- values

function formatValue(ctx: Context, value: unknown, recurseTimes: number): string {
  if (typeof value !== 'object' && typeof value !== 'function') return formatPrimitive(ctx, value);
  if (value === null) return 'null';
  if (ctx.seen.includes(value)) {
    let index = 1;
    if (ctx.circular === undefined) {
      ctx.circular = new Map([[value, index]]);
    } else {
      const known = ctx.circular.get(value);
      if (known === undefined) {
        index = ctx.circular.size + 1;
        ctx.circular.set(value, index);
      } else {
        index = known;
      }
    }
    return `[Circular *${index}]`;
  }
  try {
    return formatRaw(ctx, value, recurseTimes);
  } catch (error) {
    // A revoked Proxy, a throwing trap, or a stack overflow in a huge structure.
    if (ctx.seen[ctx.seen.length - 1] === value) ctx.seen.pop();
    return error instanceof RangeError ? '[Object: too deeply nested]' : '[Object: cannot be inspected]';
  }
}

type Formatter = (ctx: Context, value: object, recurseTimes: number) => string[];

const noEntries: Formatter = () => [];

function formatRaw(ctx: Context, value: object, recurseTimes: number): string {
  const constructor = getConstructorName(value);
  let tag = readToStringTag(value);
  let base = '';
  let formatter: Formatter = noEntries;
  let braces: [string, string] = ['{', '}'];
  let keys: PropertyKey[];
  let entryKind = EntryKind.Object;
  let isIterableKind = false;

  if (Symbol.iterator in value || constructor === null) {
    isIterableKind = true;
    const kind = typedArrayKind(value);
    if (Array.isArray(value)) {
      const prefix = constructor !== 'Array' || tag !== '' ? prefixOf(constructor, tag, 'Array', `(${value.length})`) : '';
      keys = ownNonIndexKeys(value);
      braces = [`${prefix}[`, ']'];
      if (value.length === 0 && keys.length === 0) return `${braces[0]}]`;
      entryKind = EntryKind.ArrayExtra;
      formatter = formatArray;
    } else if (isSet(value)) {
      const size = value.size;
      const prefix = prefixOf(constructor, tag, 'Set', `(${size})`);
      keys = ownKeys(value);
      formatter = formatSet;
      if (size === 0 && keys.length === 0) return `${prefix}{}`;
      braces = [`${prefix}{`, '}'];
    } else if (isMap(value)) {
      const size = value.size;
      const prefix = prefixOf(constructor, tag, 'Map', `(${size})`);
      keys = ownKeys(value);
      formatter = formatMap;
      if (size === 0 && keys.length === 0) return `${prefix}{}`;
      braces = [`${prefix}{`, '}'];
    } else if (isArguments(value)) {
      const length = (value as ArrayLike<unknown>).length;
      keys = ownNonIndexKeys(value);
      braces = ['[Arguments] [', ']'];
      if (length === 0 && keys.length === 0) return '[Arguments] []';
      entryKind = EntryKind.ArrayExtra;
      formatter = formatArguments;
    } else if (kind !== undefined) {
      const array = value as unknown as ArrayLike<number | bigint>;
      keys = ownNonIndexKeys(value);
      const size = array.length;
      const prefix = prefixOf(constructor, tag, kind, `(${size})`);
      braces = [`${prefix}[`, ']'];
      if (size === 0 && keys.length === 0) return `${braces[0]}]`;
      formatter = formatTypedArray;
      entryKind = EntryKind.ArrayExtra;
    } else {
      isIterableKind = false;
    }
  }
  if (!isIterableKind) {
    keys = ownKeys(value);
    braces = ['{', '}'];
    if (typeof value === 'function') {
      base = functionBase(value as (...args: never[]) => unknown, constructor, tag);
      if (keys.length === 0) return base;
    } else if (constructor === 'Object') {
      if (tag !== '') braces[0] = `${prefixOf(constructor, tag, 'Object')}{`;
      if (keys.length === 0) return `${braces[0]}}`;
    } else if (isRegExp(value)) {
      base = RegExp.prototype.toString.call(value);
      const prefix = prefixOf(constructor, tag, 'RegExp');
      if (prefix !== 'RegExp ') base = `${prefix}${base}`;
      if (keys.length === 0 || recurseTimes > ctx.depth) return base;
    } else if (isDate(value)) {
      const time = Date.prototype.getTime.call(value);
      const text = Number.isNaN(time) ? 'Invalid Date' : Date.prototype.toISOString.call(value);
      const prefix = prefixOf(constructor, tag, 'Date');
      base = prefix === 'Date ' ? text : `${prefix}${text}`;
      if (keys.length === 0) return base;
    } else if (isError(value)) {
      base = formatError(ctx, value, constructor, tag, keys);
      if (keys.length === 0) return base;
    } else if (isArrayBuffer(value) || isSharedArrayBuffer(value)) {
      const kind = isArrayBuffer(value) ? 'ArrayBuffer' : 'SharedArrayBuffer';
      const prefix = prefixOf(constructor, tag, kind);
      formatter = formatArrayBuffer;
      braces[0] = `${prefix}{`;
      keys.unshift('byteLength');
    } else if (isDataView(value)) {
      braces[0] = `${prefixOf(constructor, tag, 'DataView')}{`;
      keys.unshift('byteLength', 'byteOffset', 'buffer');
    } else if (isPromise(value)) {
      braces[0] = `${prefixOf(constructor, tag, 'Promise')}{`;
      // A browser exposes no synchronous way to read a promise's state.
      formatter = () => ['<unknown>'];
    } else if (isWeakSet(value)) {
      braces[0] = `${prefixOf(constructor, tag, 'WeakSet')}{`;
      formatter = () => ['<items unknown>'];
    } else if (isWeakMap(value)) {
      braces[0] = `${prefixOf(constructor, tag, 'WeakMap')}{`;
      formatter = () => ['<items unknown>'];
    } else {
      const boxed = unbox(value);
      if (boxed !== undefined) {
        if (boxed.kind === 'String') keys = keys.filter((key) => typeof key !== 'string' || !ARRAY_INDEX.test(key));
        base = boxedBase(ctx, boxed.kind, boxed.primitive, constructor, tag);
        if (keys.length === 0) return base;
      } else {
        if (keys.length === 0) return `${prefixOf(constructor, tag, 'Object')}{}`;
        braces[0] = `${prefixOf(constructor, tag, 'Object')}{`;
      }
    }
  }

  if (recurseTimes > ctx.depth) {
    const name = prefixOf(constructor, tag, 'Object').slice(0, -1);
    return constructor !== null ? `[${name}]` : name;
  }
  recurseTimes += 1;
  ctx.seen.push(value);
  ctx.currentDepth = recurseTimes;
  const output = formatter(ctx, value, recurseTimes);
  for (const key of keys!) {
    output.push(formatProperty(ctx, value, recurseTimes, key, entryKind));
  }
  if (ctx.circular !== undefined) {
    const index = ctx.circular.get(value);
    if (index !== undefined) {
      const reference = `<ref *${index}>`;
      base = base === '' ? reference : `${reference} ${base}`;
    }
  }
  ctx.seen.pop();
  const result = reduceToSingleString(ctx, output, base, braces, entryKind, recurseTimes, value);
  const used = (ctx.budget[ctx.indentationLvl] ?? 0) + result.length;
  ctx.budget[ctx.indentationLvl] = used;
  if (used > OUTPUT_BUDGET) ctx.depth = -1;
  return result;
}

// ---------------------------------------------------------------- names and keys

function readToStringTag(value: object): string {
  let tag: unknown;
  try {
    const descriptor = findDescriptor(value, Symbol.toStringTag);
    tag = descriptor && 'value' in descriptor ? descriptor.value : undefined;
  } catch {
    return '';
  }
  // An own enumerable tag is printed as a key already.
  if (typeof tag !== 'string' || (tag !== '' && Object.prototype.propertyIsEnumerable.call(value, Symbol.toStringTag))) {
    return '';
  }
  return tag;
}

/** The descriptor of `key` on `value` or its prototypes, without running getters. */
function findDescriptor(value: object, key: PropertyKey): PropertyDescriptor | undefined {
  let current: object | null = value;
  for (let hops = 0; current !== null && hops < 1000; hops++) {
    const descriptor = Object.getOwnPropertyDescriptor(current, key);
    if (descriptor !== undefined) return descriptor;
    current = Object.getPrototypeOf(current) as object | null;
  }
  return undefined;
}

/** Name of the nearest constructor on the prototype chain; null for null-prototype objects. */
function getConstructorName(value: object): string | null {
  let current: object | null = value;
  for (let hops = 0; current !== null && hops < 1000; hops++) {
    const descriptor = Object.getOwnPropertyDescriptor(current, 'constructor');
    const ctor: unknown = descriptor?.value;
    if (typeof ctor === 'function' && typeof ctor.name === 'string' && ctor.name !== '') {
      try {
        if (value instanceof ctor) return String(ctor.name);
      } catch {
        // A constructor with a throwing Symbol.hasInstance: keep walking.
      }
    }
    current = Object.getPrototypeOf(current) as object | null;
    if (current === null && hops === 0) return null;
  }
  return 'Object';
}

function prefixOf(constructor: string | null, tag: string, fallback: string, size = ''): string {
  if (constructor === null) {
    if (tag !== '' && fallback !== tag) return `[${fallback}${size}: null prototype] [${tag}] `;
    return `[${fallback}${size}: null prototype] `;
  }
  if (tag !== '' && constructor !== tag) return `${constructor}${size} [${tag}] `;
  return `${constructor}${size} `;
}

function enumerableSymbols(value: object): symbol[] {
  return Object.getOwnPropertySymbols(value).filter((key) => Object.prototype.propertyIsEnumerable.call(value, key));
}

function ownKeys(value: object): PropertyKey[] {
  return [...Object.keys(value), ...enumerableSymbols(value)];
}

function ownNonIndexKeys(value: object): PropertyKey[] {
  return [...Object.keys(value).filter((key) => !ARRAY_INDEX.test(key) || Number(key) > 2 ** 32 - 2), ...enumerableSymbols(value)];
}

// ---------------------------------------------------------------- special kinds

function functionBase(value: (...args: never[]) => unknown, constructor: string | null, tag: string): string {
  let source = '';
  try {
    source = Function.prototype.toString.call(value);
  } catch {
    // A revoked proxy or similar; print it as a plain function.
  }
  if (source.startsWith('class') && source.endsWith('}')) {
    const body = source.slice(5, -1);
    const brace = body.indexOf('{');
    if (brace !== -1 && (!body.slice(0, brace).includes('(') || /^\s*(?:[a-zA-Z_$][\w$]*\s*)?(?:extends\s|{)/.test(body))) {
      return classBase(value, constructor, tag);
    }
  }
  const type = functionKind(value);
  let base = `[${type}`;
  if (constructor === null) base += ' (null prototype)';
  const name = readOwnName(value);
  base += name === '' ? ' (anonymous)' : `: ${name}`;
  base += ']';
  if (constructor !== type && constructor !== null) base += ` ${constructor}`;
  if (tag !== '' && constructor !== tag) base += ` [${tag}]`;
  return base;
}

function readOwnName(value: object): string {
  const descriptor = findDescriptor(value, 'name');
  return descriptor && typeof descriptor.value === 'string' ? descriptor.value : '';
}

function classBase(value: (...args: never[]) => unknown, constructor: string | null, tag: string): string {
  const own = Object.getOwnPropertyDescriptor(value, 'name');
  const name = (own && typeof own.value === 'string' && own.value) || '(anonymous)';
  let base = `class ${name}`;
  if (constructor !== 'Function' && constructor !== null) base += ` [${constructor}]`;
  if (tag !== '' && constructor !== tag) base += ` [${tag}]`;
  if (constructor !== null) {
    const parent = Object.getPrototypeOf(value) as object | null;
    const superName = parent === null ? '' : readOwnName(parent);
    if (superName) base += ` extends ${superName}`;
  } else {
    base += ' extends [null prototype]';
  }
  return `[${base}]`;
}

function boxedBase(ctx: Context, kind: string, primitive: unknown, constructor: string | null, tag: string): string {
  let base = `[${kind}`;
  if (kind !== constructor) base += constructor === null ? ' (null prototype)' : ` (${constructor})`;
  const saved = ctx.indentationLvl;
  ctx.indentationLvl = 0;
  base += `: ${formatPrimitive({ ...ctx, breakLength: Infinity }, primitive)}]`;
  ctx.indentationLvl = saved;
  if (tag !== '' && tag !== constructor) base += ` [${tag}]`;
  return base;
}

function readStack(ctx: Context, error: Error): string {
  let stack: unknown;
  try {
    const descriptor = findDescriptor(error, 'stack');
    stack = descriptor && 'value' in descriptor ? descriptor.value : error.stack;
  } catch {
    stack = undefined;
  }
  if (typeof stack === 'string' && stack !== '') return ctx.mapStack(stack);
  try {
    return Error.prototype.toString.call(error);
  } catch {
    return 'Error';
  }
}

function formatError(ctx: Context, error: Error, constructor: string | null, tag: string, keys: PropertyKey[]): string {
  const nameDescriptor = findDescriptor(error, 'name');
  const name = nameDescriptor && 'value' in nameDescriptor && nameDescriptor.value != null ? String(nameDescriptor.value) : 'Error';
  let stack = readStack(ctx, error);
  // name, message and stack are printed as part of the stack already.
  for (const key of ['name', 'message', 'stack']) {
    const index = keys.indexOf(key);
    const own = Object.getOwnPropertyDescriptor(error, key);
    if (index !== -1 && own && 'value' in own && stack.includes(String(own.value))) keys.splice(index, 1);
  }
  if (Object.getOwnPropertyDescriptor(error, 'cause') && !keys.includes('cause')) keys.push('cause');
  const errors = Object.getOwnPropertyDescriptor(error, 'errors');
  if (errors && Array.isArray(errors.value) && !keys.includes('errors')) keys.push('errors');
  stack = improveStack(stack, constructor, name, tag);

  const messageDescriptor = findDescriptor(error, 'message');
  const message = messageDescriptor && typeof messageDescriptor.value === 'string' ? messageDescriptor.value : '';
  let position = (message && stack.indexOf(message)) || -1;
  if (position !== -1) position += message.length;
  const framesStart = stack.indexOf('\n    at', position);
  if (framesStart === -1) {
    stack = `[${stack}]`;
  }
  if (ctx.indentationLvl !== 0) {
    stack = stack.replace(/\n/g, `\n${' '.repeat(ctx.indentationLvl)}`);
  }
  return stack;
}

/** Puts the class name in front when a subclass did not set `name` (`class MyError extends Error {}`). */
function improveStack(stack: string, constructor: string | null, name: string, tag: string): string {
  let length = name.length;
  if (
    constructor === null ||
    (name.endsWith('Error') &&
      stack.startsWith(name) &&
      (stack.length === length || stack[length] === ':' || stack[length] === '\n'))
  ) {
    let fallback = 'Error';
    if (constructor === null) {
      const start = /^([A-Z][a-z_ A-Z0-9[\]()-]+)(?::|\n\s+at)/.exec(stack) ?? /^([a-z_A-Z0-9-]*Error)$/.exec(stack);
      fallback = start?.[1] ?? '';
      length = fallback.length;
      fallback = fallback || 'Error';
    }
    const prefix = prefixOf(constructor, tag, fallback).slice(0, -1);
    if (name !== prefix) {
      if (prefix.includes(name)) {
        stack = length === 0 ? `${prefix}: ${stack}` : `${prefix}${stack.slice(length)}`;
      } else {
        stack = `${prefix} [${name}]${stack.slice(length)}`;
      }
    }
  }
  return stack;
}

// ---------------------------------------------------------------- containers

function remainingText(remaining: number): string {
  return `... ${remaining} more item${remaining > 1 ? 's' : ''}`;
}

function formatArray(ctx: Context, value: object, recurseTimes: number): string[] {
  const array = value as unknown[];
  const length = array.length;
  const shown = Math.min(Math.max(0, ctx.maxArrayLength), length);
  const output: string[] = [];
  for (let i = 0; i < shown; i++) {
    if (!Object.prototype.hasOwnProperty.call(array, i)) return formatSparseArray(ctx, array, recurseTimes, shown, output, i);
    output.push(formatProperty(ctx, array, recurseTimes, i, EntryKind.ArrayElement));
  }
  if (length - shown > 0) output.push(remainingText(length - shown));
  return output;
}

function formatArguments(ctx: Context, value: object, recurseTimes: number): string[] {
  return formatArray(ctx, Array.prototype.slice.call(value), recurseTimes);
}

/** Arrays with holes print runs of holes as `<N empty items>`. */
function formatSparseArray(
  ctx: Context,
  array: unknown[],
  recurseTimes: number,
  maxLength: number,
  output: string[],
  start: number,
): string[] {
  const keys = Object.keys(array);
  let index = start;
  for (let i = start; i < keys.length && output.length < maxLength; i++) {
    const key = keys[i]!;
    const numeric = Number(key);
    if (numeric > 2 ** 32 - 2) break;
    if (`${index}` !== key) {
      if (!ARRAY_INDEX.test(key)) break;
      const empty = numeric - index;
      output.push(`<${empty} empty item${empty > 1 ? 's' : ''}>`);
      index = numeric;
      if (output.length === maxLength) break;
    }
    output.push(formatProperty(ctx, array, recurseTimes, key, EntryKind.ArrayElement));
    index++;
  }
  const remaining = array.length - index;
  if (output.length !== maxLength) {
    if (remaining > 0) output.push(`<${remaining} empty item${remaining > 1 ? 's' : ''}>`);
  } else if (remaining > 0) {
    output.push(remainingText(remaining));
  }
  return output;
}

function formatTypedArray(ctx: Context, value: object, _recurseTimes: number): string[] {
  const array = value as unknown as ArrayLike<number | bigint>;
  const length = array.length;
  const shown = Math.min(Math.max(0, ctx.maxArrayLength), length);
  const output: string[] = [];
  for (let i = 0; i < shown; i++) {
    const element = array[i];
    output.push(typeof element === 'bigint' ? `${element}n` : formatNumber(element as number));
  }
  if (length - shown > 0) output.push(remainingText(length - shown));
  return output;
}

function formatArrayBuffer(ctx: Context, value: object): string[] {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(value as ArrayBuffer);
  } catch {
    return ['(detached)'];
  }
  const shown = Math.min(ctx.maxArrayLength, bytes.length);
  let hex = '';
  for (let i = 0; i < shown; i++) hex += `${i === 0 ? '' : ' '}${bytes[i]!.toString(16).padStart(2, '0')}`;
  const remaining = bytes.length - ctx.maxArrayLength;
  if (remaining > 0) hex += ` ... ${remaining} more byte${remaining > 1 ? 's' : ''}`;
  return [`[Uint8Contents]: <${hex}>`];
}

function formatSet(ctx: Context, value: object, recurseTimes: number): string[] {
  const set = value as Set<unknown>;
  const shown = Math.min(Math.max(0, ctx.maxArrayLength), set.size);
  const output: string[] = [];
  ctx.indentationLvl += 2;
  let i = 0;
  for (const entry of Set.prototype.values.call(set)) {
    if (i >= shown) break;
    output.push(formatValue(ctx, entry, recurseTimes));
    i++;
  }
  if (set.size - shown > 0) output.push(remainingText(set.size - shown));
  ctx.indentationLvl -= 2;
  return output;
}

function formatMap(ctx: Context, value: object, recurseTimes: number): string[] {
  const map = value as Map<unknown, unknown>;
  const shown = Math.min(Math.max(0, ctx.maxArrayLength), map.size);
  const output: string[] = [];
  ctx.indentationLvl += 2;
  let i = 0;
  for (const [key, entry] of Map.prototype.entries.call(map)) {
    if (i >= shown) break;
    output.push(`${formatValue(ctx, key, recurseTimes)} => ${formatValue(ctx, entry, recurseTimes)}`);
    i++;
  }
  if (map.size - shown > 0) output.push(remainingText(map.size - shown));
  ctx.indentationLvl -= 2;
  return output;
}

function formatProperty(ctx: Context, value: object, recurseTimes: number, key: PropertyKey, kind: EntryKind): string {
  let descriptor = Object.getOwnPropertyDescriptor(value, key);
  if (descriptor === undefined) {
    // Accessors on the prototype that Node lists as keys (`byteLength` of buffers).
    descriptor = { value: (value as Record<PropertyKey, unknown>)[key], enumerable: true };
  }
  let str: string;
  if (descriptor.value !== undefined) {
    ctx.indentationLvl += 2;
    str = formatValue(ctx, descriptor.value, recurseTimes);
    ctx.indentationLvl -= 2;
  } else if (descriptor.get !== undefined) {
    str = descriptor.set !== undefined ? '[Getter/Setter]' : '[Getter]';
  } else if (descriptor.set !== undefined) {
    str = '[Setter]';
  } else {
    str = 'undefined';
  }
  if (kind === EntryKind.ArrayElement) return str;
  let name: string;
  if (typeof key === 'symbol') {
    name = `[${key.toString().replace(/[\x00-\x1f\x27\x5c\x7f-\x9f]/g, (c) => escapeCharCode(c.charCodeAt(0)))}]`;
  } else if (key === '__proto__') {
    name = "['__proto__']";
  } else if (descriptor.enumerable === false) {
    name = `[${String(key)}]`;
  } else if (IDENTIFIER.test(String(key))) {
    name = String(key);
  } else {
    name = quoteString(String(key));
  }
  return `${name}: ${str}`;
}

// ---------------------------------------------------------------- layout

function reduceToSingleString(
  ctx: Context,
  output: string[],
  base: string,
  braces: [string, string],
  kind: EntryKind,
  recurseTimes: number,
  value: object,
): string {
  const entries = output.length;
  if (kind === EntryKind.ArrayExtra && entries > 6) output = groupArrayElements(ctx, output, value);
  // `currentDepth` is the depth of the innermost object printed so far: up to
  // `compact` inner levels share one line when they fit.
  if (ctx.currentDepth - recurseTimes < ctx.compact && entries === output.length) {
    const start = output.length + ctx.indentationLvl + braces[0].length + base.length + 10;
    if (isBelowBreakLength(ctx, output, start, base)) {
      const joined = output.join(', ');
      if (!joined.includes('\n')) {
        return `${base ? `${base} ` : ''}${braces[0]} ${joined} ${braces[1]}`;
      }
    }
  }
  const indentation = `\n${' '.repeat(ctx.indentationLvl)}`;
  return `${base ? `${base} ` : ''}${braces[0]}${indentation}  ${output.join(`,${indentation}  `)}${indentation}${braces[1]}`;
}

function isBelowBreakLength(ctx: Context, output: string[], start: number, base: string): boolean {
  let total = output.length + start;
  if (total + output.length > ctx.breakLength) return false;
  for (const entry of output) {
    total += entry.length;
    if (total > ctx.breakLength) return false;
  }
  return base === '' || !base.includes('\n');
}

/** Lays out many short array entries in aligned columns, as Node does. */
function groupArrayElements(ctx: Context, output: string[], value: object): string[] {
  let totalLength = 0;
  let maxLength = 0;
  let outputLength = output.length;
  // "... N more items" is not part of the grid.
  if (ctx.maxArrayLength < output.length) outputLength--;
  const separatorSpace = 2;
  const dataLength: number[] = [];
  for (let i = 0; i < outputLength; i++) {
    const length = output[i]!.length;
    dataLength.push(length);
    totalLength += length + separatorSpace;
    if (maxLength < length) maxLength = length;
  }
  const actualMax = maxLength + separatorSpace;
  if (actualMax * 3 + ctx.indentationLvl < ctx.breakLength && (totalLength / actualMax > 5 || maxLength <= 6)) {
    const averageBias = Math.sqrt(actualMax - totalLength / output.length);
    const biasedMax = Math.max(actualMax - 3 - averageBias, 1);
    const columns = Math.min(
      Math.round(Math.sqrt(2.5 * biasedMax * outputLength) / biasedMax),
      Math.floor((ctx.breakLength - ctx.indentationLvl) / actualMax),
      ctx.compact * 4,
      15,
    );
    if (columns <= 1) return output;
    const grouped: string[] = [];
    const maxLineLength: number[] = [];
    for (let i = 0; i < columns; i++) {
      let lineLength = 0;
      for (let j = i; j < outputLength; j += columns) {
        if (dataLength[j]! > lineLength) lineLength = dataLength[j]!;
      }
      maxLineLength.push(lineLength + separatorSpace);
    }
    // Numbers line up on the right, everything else on the left.
    let padStart = true;
    const array = value as ArrayLike<unknown>;
    for (let i = 0; i < output.length; i++) {
      let element: unknown;
      try {
        element = Object.getOwnPropertyDescriptor(array, i)?.value;
      } catch {
        element = undefined;
      }
      if (typeof element !== 'number' && typeof element !== 'bigint') {
        padStart = false;
        break;
      }
    }
    for (let i = 0; i < outputLength; i += columns) {
      const max = Math.min(i + columns, outputLength);
      let line = '';
      let j = i;
      for (; j < max - 1; j++) {
        const cell = `${output[j]}, `;
        const width = maxLineLength[j - i]!;
        line += padStart ? cell.padStart(width, ' ') : cell.padEnd(width, ' ');
      }
      if (padStart) {
        line += output[j]!.padStart(maxLineLength[j - i]! - separatorSpace, ' ');
      } else {
        line += output[j];
      }
      grouped.push(line);
    }
    if (ctx.maxArrayLength < output.length) grouped.push(output[outputLength]!);
    return grouped;
  }
  return output;
}
