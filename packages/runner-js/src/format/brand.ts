/**
 * Brand checks for built-in objects. `Object.prototype.toString` and
 * `instanceof` can be fooled by `Symbol.toStringTag` or objects from another
 * realm; calling a built-in method that only accepts its own kind cannot.
 * Each check is captured when the module loads, so user code that later
 * replaces a prototype method does not change how values print.
 */

type Getter = (this: unknown) => unknown;

function getter(proto: object, key: PropertyKey): Getter | undefined {
  return Object.getOwnPropertyDescriptor(proto, key)?.get as Getter | undefined;
}

const { apply } = Reflect;
const objectToString = Object.prototype.toString;
const dateGetTime = Date.prototype.getTime;
const mapSize = getter(Map.prototype, 'size');
const setSize = getter(Set.prototype, 'size');
const regExpSource = getter(RegExp.prototype, 'source');
const arrayBufferByteLength = getter(ArrayBuffer.prototype, 'byteLength');
const sharedArrayBufferByteLength =
  typeof SharedArrayBuffer === 'function' ? getter(SharedArrayBuffer.prototype, 'byteLength') : undefined;
const typedArrayTag = getter(Object.getPrototypeOf(Uint8Array.prototype) as object, Symbol.toStringTag);
const dataViewByteLength = getter(DataView.prototype, 'byteLength');
const weakMapHas = WeakMap.prototype.has;
const weakSetHas = WeakSet.prototype.has;
const numberValueOf = Number.prototype.valueOf;
const stringValueOf = String.prototype.valueOf;
const booleanValueOf = Boolean.prototype.valueOf;
const bigIntValueOf = BigInt.prototype.valueOf;
const symbolValueOf = Symbol.prototype.valueOf;
// `Error.isError` is recent (Chromium 134+, Node 24+); fall back to the prototype chain.
const errorIsError = (Error as { isError?: (value: unknown) => boolean }).isError;

function accepts(method: ((...args: never[]) => unknown) | undefined, value: unknown, args: unknown[] = []): boolean {
  if (method === undefined) return false;
  try {
    apply(method, value, args);
    return true;
  } catch {
    return false;
  }
}

export function tagOf(value: unknown): string {
  return apply(objectToString, value, []) as string;
}

export const isDate = (value: object): value is Date => accepts(dateGetTime, value);
export const isMap = (value: object): value is Map<unknown, unknown> => accepts(mapSize, value);
export const isSet = (value: object): value is Set<unknown> => accepts(setSize, value);
// RegExp.prototype itself answers `source` without being a RegExp.
export const isRegExp = (value: object): value is RegExp => value !== RegExp.prototype && accepts(regExpSource, value);
export const isArrayBuffer = (value: object): value is ArrayBuffer => accepts(arrayBufferByteLength, value);
export const isSharedArrayBuffer = (value: object): value is SharedArrayBuffer =>
  accepts(sharedArrayBufferByteLength, value);
export const isDataView = (value: object): value is DataView => accepts(dataViewByteLength, value);
export const isWeakMap = (value: object): boolean => accepts(weakMapHas, value, [{}]);
export const isWeakSet = (value: object): boolean => accepts(weakSetHas, value, [{}]);
export const isPromise = (value: object): value is Promise<unknown> => value instanceof Promise;
export const isArguments = (value: object): boolean => tagOf(value) === '[object Arguments]';

export function isError(value: object): value is Error {
  if (errorIsError) return errorIsError(value);
  return value instanceof Error;
}

/** The typed array's kind (`Uint8Array`…), or undefined for anything else. */
export function typedArrayKind(value: object): string | undefined {
  if (typedArrayTag === undefined) return undefined;
  return apply(typedArrayTag, value, []) as string | undefined;
}

export type BoxedKind = 'Number' | 'String' | 'Boolean' | 'BigInt' | 'Symbol';

/** For `new Number(1)` and friends: the kind and the primitive inside. */
export function unbox(value: object): { kind: BoxedKind; primitive: unknown } | undefined {
  const tries: Array<[BoxedKind, (...args: never[]) => unknown]> = [
    ['Number', numberValueOf],
    ['String', stringValueOf],
    ['Boolean', booleanValueOf],
    ['BigInt', bigIntValueOf],
    ['Symbol', symbolValueOf],
  ];
  for (const [kind, method] of tries) {
    try {
      return { kind, primitive: apply(method, value, []) };
    } catch {
      // Not this kind; try the next.
    }
  }
  return undefined;
}

/** `AsyncFunction`, `GeneratorFunction`, `AsyncGeneratorFunction` or `Function`. */
export function functionKind(value: (...args: never[]) => unknown): string {
  const tag = tagOf(value);
  if (tag === '[object AsyncFunction]') return 'AsyncFunction';
  if (tag === '[object GeneratorFunction]') return 'GeneratorFunction';
  if (tag === '[object AsyncGeneratorFunction]') return 'AsyncGeneratorFunction';
  return 'Function';
}
