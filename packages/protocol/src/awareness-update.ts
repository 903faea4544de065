import * as decoding from 'lib0/decoding';
import { jsonNestingExceeds, MAX_JSON_DEPTH } from './json-depth.js';

/**
 * Checks the shape of a y-protocols awareness update without applying it:
 * every entry has its client id, clock and state string, each state is
 * UTF-8 nested at most MAX_JSON_DEPTH levels deep, and nothing follows the
 * last entry. What the states say (objects or null, the presence rules) is
 * the relay's to check. Returns the reason it is refused, or null.
 */
export function awarenessUpdateShapeProblem(update: Uint8Array): string | null {
  const decoder = decoding.createDecoder(update);
  try {
    const entries = decoding.readVarUint(decoder);
    for (let i = 0; i < entries; i++) {
      decoding.readVarUint(decoder);
      decoding.readVarUint(decoder);
      const state = decoding.readVarString(decoder);
      if (jsonNestingExceeds(state, MAX_JSON_DEPTH)) return `awareness state is nested deeper than ${MAX_JSON_DEPTH} levels`;
    }
    if (decoding.hasContent(decoder)) return 'malformed awareness update: trailing bytes after its last entry';
    return null;
  } catch (error) {
    return `malformed awareness update: ${error instanceof Error ? error.message : String(error)}`;
  }
}
