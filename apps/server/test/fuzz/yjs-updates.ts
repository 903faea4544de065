import * as Y from 'yjs';
import type { Prng } from './prng.js';

/**
 * Valid Yjs updates of every kind of struct and content the relay may
 * meet (text with formats and embeds, maps of every JSON value, arrays,
 * binary, nested and XML types, subdocuments, deletions), made by a
 * document of the fuzzer's own: its client ids are not the room's, so an
 * update that depends on earlier ones stays pending wherever it is applied.
 */

const SAMPLE_TEXT = ['x', 'print(1)\n', 'héllo wörld', '日本語', '🙂🚀', '\u0000\u001f', '\u{10ffff}', 'a'.repeat(300)];

function anyValue(rng: Prng, depth = 0): unknown {
  switch (rng.int(depth > 2 ? 6 : 8)) {
    case 0:
      return rng.int(1000) - 500;
    case 1:
      return rng.pick([0, -0, 1.5, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 31, 2 ** 53 + 2, 1e308]);
    case 2:
      return rng.pick(SAMPLE_TEXT);
    case 3:
      return rng.chance(0.5);
    case 4:
      return null;
    case 5:
      return rng.bytes(rng.int(16));
    case 6:
      return Array.from({ length: rng.int(4) }, () => anyValue(rng, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: rng.int(4) }, () => [rng.word(3), anyValue(rng, depth + 1)]));
  }
}

/** A document of the fuzzer's own, with a reproducible client id. */
export function seededDoc(rng: Prng): Y.Doc {
  const doc = new Y.Doc({ guid: rng.word(12) });
  // Y.Doc draws its client id from Math.random; the run's seed must decide it.
  doc.clientID = rng.uint32();
  return doc;
}

/** One random edit of a random shared type of `doc`. */
function edit(rng: Prng, doc: Y.Doc): void {
  switch (rng.int(9)) {
    case 0: {
      const text = doc.getText(rng.pick(['code', 'statement', 'notes', rng.word(4)]));
      text.insert(rng.int(text.length + 1), rng.pick(SAMPLE_TEXT));
      return;
    }
    case 1: {
      const text = doc.getText('code');
      text.insert(0, rng.pick(SAMPLE_TEXT), { bold: true, color: rng.word(6) });
      if (text.length > 2) text.format(0, rng.int(text.length), { italic: rng.chance(0.5) ? true : null });
      return;
    }
    case 2: {
      const text = doc.getText('code');
      text.insertEmbed(rng.int(text.length + 1), { image: rng.word(8) });
      return;
    }
    case 3:
      doc.getMap(rng.pick(['meta', 'settings', rng.word(3)])).set(rng.word(4), anyValue(rng) as Y.Map<unknown>);
      return;
    case 4:
      doc.getArray('list').push([anyValue(rng)]);
      return;
    case 5: {
      const nested = new Y.Map<unknown>();
      doc.getMap('meta').set(rng.word(4), nested);
      nested.set('inner', new Y.Text(rng.pick(SAMPLE_TEXT)));
      nested.set('array', Y.Array.from([1, 'two', null]));
      return;
    }
    case 6: {
      const fragment = doc.getXmlFragment('xml');
      const element = new Y.XmlElement(rng.pick(['p', 'div', 'h1']));
      element.setAttribute('class', rng.word(5));
      element.insert(0, [new Y.XmlText(rng.pick(SAMPLE_TEXT))]);
      fragment.insert(0, [element]);
      return;
    }
    case 7:
      doc.getMap('docs').set(rng.word(4), new Y.Doc({ guid: rng.word(12) }));
      return;
    default: {
      const text = doc.getText('code');
      if (text.length === 0) text.insert(0, rng.pick(SAMPLE_TEXT));
      const at = rng.int(text.length);
      text.delete(at, 1 + rng.int(text.length - at));
    }
  }
}

/**
 * A valid update: a whole document's state (applies anywhere), or one later
 * transaction of it (depends on the earlier ones, so it stays pending).
 */
export function makeValidUpdate(rng: Prng, kind: 'state' | 'incremental' = rng.chance(0.7) ? 'state' : 'incremental'): Uint8Array {
  const doc = seededDoc(rng);
  try {
    const edits = 1 + rng.int(5);
    for (let i = 0; i < edits; i++) edit(rng, doc);
    if (kind === 'state') return Y.encodeStateAsUpdate(doc);
    let last: Uint8Array | null = null;
    const keep = (update: Uint8Array): void => {
      last = update;
    };
    doc.on('update', keep);
    edit(rng, doc);
    doc.off('update', keep);
    return last ?? Y.encodeStateAsUpdate(doc);
  } finally {
    doc.destroy();
  }
}

/** An update that changes a document holding `known` on the text the room shows (`textName`). */
export function editOf(rng: Prng, known: Uint8Array, textName: string, insert: string): Uint8Array {
  const doc = seededDoc(rng);
  try {
    Y.applyUpdate(doc, known);
    const before = Y.encodeStateVector(doc);
    const text = doc.getText(textName);
    text.insert(rng.int(text.length + 1), insert);
    return Y.encodeStateAsUpdate(doc, before);
  } finally {
    doc.destroy();
  }
}

/** The state vector of an update's document, to send as a well-formed sync step 1. */
export function stateVectorOf(update: Uint8Array): Uint8Array {
  return Y.encodeStateVectorFromUpdate(update);
}

/**
 * Valid updates made once and reused: building a document takes about a
 * millisecond, far longer than mutating its update, and the fuzzer needs
 * tens of thousands of them.
 */
export class UpdatePool {
  private readonly states: Uint8Array[];
  private readonly incrementals: Uint8Array[];

  constructor(rng: Prng, size = 256) {
    this.states = Array.from({ length: size }, () => makeValidUpdate(rng, 'state'));
    this.incrementals = Array.from({ length: size / 4 }, () => makeValidUpdate(rng, 'incremental'));
  }

  pick(rng: Prng, kind: 'state' | 'incremental' = rng.chance(0.8) ? 'state' : 'incremental'): Uint8Array {
    return rng.pick(kind === 'state' ? this.states : this.incrementals);
  }
}
