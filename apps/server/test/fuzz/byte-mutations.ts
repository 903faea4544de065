import * as encoding from 'lib0/encoding';
import type { Prng } from './prng.js';

/** Byte-level mutations of valid input, and varUints encoded in ways lib0 never writes. */

export function concatBytes(...parts: ArrayLike<number>[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** A varUint as lib0 writes it (7 bits a byte, least significant first); exact up to 2^53. */
export function varUint(value: number): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, value);
  return encoding.toUint8Array(encoder);
}

/** A varString's bytes exactly as given, valid UTF-8 or not. */
export function varBytes(bytes: Uint8Array): Uint8Array {
  return concatBytes(varUint(bytes.length), bytes);
}

/** The numbers the decoder is least likely to expect. */
export const HUGE_NUMBERS: readonly number[] = [
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32 - 1,
  2 ** 32,
  2 ** 48,
  Number.MAX_SAFE_INTEGER - 1,
  Number.MAX_SAFE_INTEGER,
];

/**
 * A varUint no encoder writes: past 2^53 (8 to 9 bytes), longer than 10
 * bytes, padded with redundant zero groups, or never terminated.
 */
export function hostileVarUint(rng: Prng): { bytes: Uint8Array; what: string } {
  switch (rng.int(5)) {
    case 0: {
      const value = rng.pick(HUGE_NUMBERS);
      return { bytes: varUint(value), what: `varUint ${value}` };
    }
    case 1: {
      // 8 full groups and a terminator: 2^56 and more, beyond the 53 bits a double holds exactly.
      const bytes = concatBytes(new Uint8Array(8).fill(0xff), [rng.range(1, 0x7f)]);
      return { bytes, what: 'varUint past 2^53 (9 bytes)' };
    }
    case 2: {
      const length = rng.range(11, 40);
      const bytes = concatBytes(new Uint8Array(length - 1).fill(0xff), [0x01]);
      return { bytes, what: `varUint of ${length} bytes` };
    }
    case 3: {
      // A small value with redundant continuation groups: 1 written in 12 bytes.
      const bytes = concatBytes([0x81], new Uint8Array(10).fill(0x80), [0x00]);
      return { bytes, what: 'overlong varUint of a small value' };
    }
    default:
      return { bytes: new Uint8Array(rng.range(1, 24)).fill(0x80 | rng.int(0x80)), what: 'unterminated varUint' };
  }
}

export function flipBits(rng: Prng, input: Uint8Array, flips = 1 + rng.int(8)): Uint8Array {
  const out = input.slice();
  if (out.length === 0) return out;
  for (let i = 0; i < flips; i++) {
    const at = rng.int(out.length);
    out[at] = out[at]! ^ (1 << rng.int(8));
  }
  return out;
}

/** Overwrites a few bytes with boundary values or random ones. */
export function overwriteBytes(rng: Prng, input: Uint8Array): Uint8Array {
  const out = input.slice();
  if (out.length === 0) return out;
  const count = 1 + rng.int(4);
  for (let i = 0; i < count; i++) out[rng.int(out.length)] = rng.pick([0x00, 0x01, 0x7f, 0x80, 0xff, rng.int(256)]);
  return out;
}

/** Removes or inserts a run of bytes somewhere inside. */
export function spliceBytes(rng: Prng, input: Uint8Array): Uint8Array {
  const at = rng.int(input.length + 1);
  if (rng.chance(0.5) && input.length > 0) {
    const remove = 1 + rng.int(Math.min(8, input.length - Math.min(at, input.length - 1)));
    return concatBytes(input.subarray(0, at), input.subarray(Math.min(input.length, at + remove)));
  }
  return concatBytes(input.subarray(0, at), rng.bytes(1 + rng.int(8)), input.subarray(at));
}

/** A strict prefix of `input` (possibly empty). */
export function truncate(rng: Prng, input: Uint8Array): Uint8Array {
  return input.slice(0, rng.int(Math.max(1, input.length)));
}

/** Byte sequences that are not UTF-8: stray continuations, overlong forms, surrogates, cut sequences, bytes UTF-8 never uses. */
export const BAD_UTF8: readonly Uint8Array[] = [
  Uint8Array.of(0x80),
  Uint8Array.of(0xbf, 0x80),
  Uint8Array.of(0xc0, 0xaf),
  Uint8Array.of(0xe0, 0x80, 0xaf),
  Uint8Array.of(0xed, 0xa0, 0x80),
  Uint8Array.of(0xed, 0xbf, 0xbf),
  Uint8Array.of(0xe2, 0x82),
  Uint8Array.of(0xf0, 0x9f, 0x98),
  Uint8Array.of(0xf4, 0x90, 0x80, 0x80),
  Uint8Array.of(0xfe),
  Uint8Array.of(0xff, 0xfe),
  Uint8Array.of(0xc3),
];

/** `text` as UTF-8 with an invalid sequence put in at a random place. */
export function withBadUtf8(rng: Prng, text: string): Uint8Array {
  const bytes = new TextEncoder().encode(text);
  const at = rng.int(bytes.length + 1);
  return concatBytes(bytes.subarray(0, at), rng.pick(BAD_UTF8), bytes.subarray(at));
}
