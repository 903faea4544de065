/**
 * Pre-encoded document updates: one writer Y.Doc types ahead of time and the
 * frames are replayed, so the load generator spends nothing on Yjs while it
 * measures. A stream is valid for any room, once, in order: each room's
 * document is its own, and a relay ignores (and does not relay) an update it
 * already holds, so every send in a room must be a new one.
 */
import * as Y from 'yjs';
import { encodeUpdateFrame } from './wire.js';

/** The writer's Yjs client id in every stream; receivers check it. */
export const WRITER_CLIENT_ID = 0x5eed;
/** The shared text all streams type into: the room's code (docs/protocol.md, "Room documents"). */
export const TEXT_NAME = 'code';

export interface UpdateStream {
  /** Sync update frames, in the order they must be sent. */
  frames: Uint8Array[];
  /** The update index whose first struct starts at this clock (updates that insert; pure deletions have none). */
  indexOfClock: Map<number, number>;
  /** Lines of text once every update is applied. */
  lines: number;
}

/** A small deterministic PRNG (mulberry32): the same streams on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = ['total', 'count', 'index', 'value', 'result', 'left', 'right', 'node', 'best', 'seen'];
const CALLS = ['compute(', 'max(', 'min(', 'len(', 'sorted(', 'merge(', 'helper(', 'abs('];

/** One line of plausible Python, as tokens (what a fast typist or an autocompletion adds at once). */
function codeLineTokens(line: number, next: () => number): string[] {
  const pick = (words: string[]) => words[Math.floor(next() * words.length)]!;
  const indent = ' '.repeat(4 * (1 + Math.floor(next() * 3)));
  return [indent, `${pick(NAMES)}_${line}`, ' = ', pick(CALLS), `${pick(NAMES)}_${Math.max(0, line - 1)}`, ', ', String(line % 97), ')\n'];
}

/** Records every update of the writer's doc, each with the writer's clock before it. */
function recorder(): { doc: Y.Doc; text: Y.Text; record: (change: () => void) => void; stream: () => UpdateStream } {
  const doc = new Y.Doc();
  doc.clientID = WRITER_CLIENT_ID;
  const text = doc.getText(TEXT_NAME);
  const frames: Uint8Array[] = [];
  const indexOfClock = new Map<number, number>();
  let captured: Uint8Array | null = null;
  doc.on('update', (update: Uint8Array) => {
    captured = update;
  });
  return {
    doc,
    text,
    record(change) {
      const clock = Y.getState(doc.store, WRITER_CLIENT_ID);
      const before = frames.length;
      captured = null;
      change();
      if (captured === null) throw new Error('a recorded change produced no update');
      frames.push(encodeUpdateFrame(captured));
      if (Y.getState(doc.store, WRITER_CLIENT_ID) > clock) indexOfClock.set(clock, before);
    },
    stream: () => ({ frames, indexOfClock, lines: text.toString().split('\n').length - 1 }),
  };
}

/**
 * Typing, one character per update (one keystroke per message, as the
 * provider sends them). Mostly at the end of a line, but after about one
 * line in eight the cursor moves to the start of a random line: a document
 * typed strictly at its end collapses into a few merged items, which
 * flatters every relay, and appending-only also slows the writer doc down.
 */
export function typingStream(count: number, seed = 1): UpdateStream {
  const next = random(seed);
  const { text, record, stream } = recorder();
  let cursor = 0;
  let line = 0;
  let pending: string[] = [];
  for (let i = 0; i < count; i++) {
    if (pending.length === 0) {
      pending = [...codeLineTokens(line++, next).join('')];
      if (next() < 1 / 8 && text.length > 0) {
        // To the start of a random line; toString() is rare enough here to be cheap.
        const content = text.toString();
        const at = Math.floor(next() * content.length);
        cursor = content.lastIndexOf('\n', at - 1) + 1;
      }
    }
    const char = pending.shift()!;
    record(() => text.insert(cursor, char));
    cursor += 1;
  }
  return stream();
}

/**
 * A program's history: `lines` lines of code in 10 updates per line, each
 * update a token (8 per line) plus one typo typed and deleted again. One line
 * in five is inserted above existing code rather than at the end. With 2,000
 * lines that is 20,000 updates and about 80 KB of text.
 */
export function programHistory(lines: number, seed = 2): UpdateStream {
  const next = random(seed);
  const { text, record, stream } = recorder();
  for (let line = 0; line < lines; line++) {
    let cursor = text.length;
    if (line > 0 && next() < 1 / 5) {
      const content = text.toString();
      cursor = content.lastIndexOf('\n', Math.floor(next() * content.length) - 1) + 1;
    }
    const tokens = codeLineTokens(line, next);
    tokens.forEach((token, index) => {
      record(() => text.insert(cursor, token));
      cursor += token.length;
      if (index === 3) {
        // A typo, noticed at once: a one-character insert, then its deletion (an update without structs).
        record(() => text.insert(cursor, 'x'));
        record(() => text.delete(cursor, 1));
      }
    });
  }
  return stream();
}
