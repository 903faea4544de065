/** JSON texts that are valid but nested far deeper than any client writes. */

/** Nesting depths to try: harmless, beyond recursion limits of common code, and as deep as a frame allows. */
export const DEEP_JSON_DEPTHS: readonly number[] = [100, 1_000, 5_000, 20_000, 100_000];

/** `[[[…]]]` nested `depth` times: 2 bytes a level. */
export function deepArray(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

/** `{"a":{"a":…{}}}` nested `depth` times: 6 bytes a level. */
export function deepObject(depth: number): string {
  return '{"a":'.repeat(depth) + '{}' + '}'.repeat(depth);
}

/** The deepest nesting of `kind` whose JSON, with `overhead` more bytes around it, fits in `budget` bytes. */
export function fittingDepth(wanted: number, kind: 'array' | 'object', budget: number, overhead: number): number {
  const perLevel = kind === 'array' ? 2 : 6;
  return Math.max(1, Math.min(wanted, Math.floor((budget - overhead - 2) / perLevel)));
}

export function deepJson(kind: 'array' | 'object', depth: number): string {
  return kind === 'array' ? deepArray(depth) : deepObject(depth);
}
