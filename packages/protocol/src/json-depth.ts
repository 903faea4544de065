/**
 * How deep a client's JSON (a room event, an awareness state) may nest.
 * Real ones nest a few levels (an event's `payload.by`, a presence's
 * `cursor.anchor.item`); code that walks JSON recursively, such as
 * `JSON.stringify` when the relay re-encodes presence, overflows the stack
 * a few thousand levels down and would take the process with it.
 */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

/**
 * Whether a JSON text nests arrays and objects deeper than `max`, found in
 * one pass over the text without parsing it (brackets inside strings do not
 * count). Meant to run before `JSON.parse`; for text that is not JSON the
 * answer means nothing, and the parse refuses it anyway.
 */
export function jsonNestingExceeds(json: string, max: number = MAX_JSON_DEPTH): boolean {
  // Nesting past `max` needs more than `max` opening brackets.
  if (json.length <= max) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > max) return true;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) depth--;
  }
  return false;
}
