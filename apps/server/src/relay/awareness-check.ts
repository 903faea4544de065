import * as decoding from 'lib0/decoding';

/** More entries than any real client sends in one awareness update. */
const MAX_ENTRIES = 256;

/**
 * Decodes an awareness update completely before anything is applied, so a
 * malformed one is refused whole instead of half-applied. Returns the
 * reason it is malformed, or null.
 */
export function awarenessUpdateProblem(update: Uint8Array): string | null {
  const decoder = decoding.createDecoder(update);
  try {
    const entries = decoding.readVarUint(decoder);
    if (entries > MAX_ENTRIES) return `awareness update has ${entries} entries (at most ${MAX_ENTRIES})`;
    for (let i = 0; i < entries; i++) {
      decoding.readVarUint(decoder); // client id
      decoding.readVarUint(decoder); // clock
      const json = decoding.readVarString(decoder);
      if (decoder.pos > decoder.arr.length) return 'awareness state is longer than the frame';
      const state: unknown = JSON.parse(json);
      if (state !== null && (typeof state !== 'object' || Array.isArray(state))) return 'awareness state must be an object or null';
    }
    if (decoding.hasContent(decoder)) return 'trailing bytes after awareness update';
    return null;
  } catch (error) {
    return `malformed awareness update: ${error instanceof Error ? error.message : String(error)}`;
  }
}
