import { describe, expect, it } from 'vitest';
import { decodePeerMessage, encodePeerMessage, PEER_PROTOCOL_VERSION, type PeerMessage } from './peer-messages.js';

const samples: PeerMessage[] = [
  { kind: 'update', origin: 'relay-a/0a1b', update: Uint8Array.from([1, 2, 3, 250]) },
  { kind: 'awareness', origin: 'relay-b/ff', role: 'candidate', update: Uint8Array.from([0]) },
  { kind: 'event', origin: 'relay-c/00', audience: 'interviewers', frame: Uint8Array.from([100, 2, 123, 125]) },
  { kind: 'event', origin: '', audience: 'everyone', frame: new Uint8Array() },
];

describe('peer messages', () => {
  it('decode to what was encoded, for every kind', () => {
    for (const message of samples) {
      const decoded = decodePeerMessage(encodePeerMessage(message));
      expect(decoded).toEqual({ ok: true, value: message });
    }
  });

  it('refuse another version, an unknown kind, role or audience, a cut message and trailing bytes, with a reason', () => {
    const update = encodePeerMessage(samples[0]!);
    const reasons = [
      Uint8Array.from([PEER_PROTOCOL_VERSION + 1, ...update.subarray(1)]),
      Uint8Array.from([PEER_PROTOCOL_VERSION, 9, 0]),
      update.subarray(0, update.byteLength - 1),
      Uint8Array.from([...update, 0]),
      encodePeerMessage({ ...samples[1]!, role: 'admin' } as unknown as PeerMessage),
      (() => {
        const event = encodePeerMessage(samples[2]!);
        const at = 3 + 'relay-c/00'.length;
        event[at] = 7;
        return event;
      })(),
      new Uint8Array(),
    ].map((data) => decodePeerMessage(data));
    for (const result of reasons) expect(result.ok, JSON.stringify(result)).toBe(false);
    const texts = reasons.map((r) => (r.ok ? '' : r.reason));
    expect(texts[0]).toMatch(/version/);
    expect(texts[1]).toMatch(/unknown peer message kind 9/);
    expect(texts[4]).toMatch(/unknown role "admin"/);
    expect(texts[5]).toMatch(/unknown audience 7/);
  });

  it('never throws on random or mutated bytes', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const valid = samples.map(encodePeerMessage);
    for (let i = 0; i < 5000; i++) {
      const base = valid[i % valid.length]!;
      const data = i % 2 ? Uint8Array.from({ length: Math.floor(random() * 40) }, () => Math.floor(random() * 256)) : base.slice();
      if (i % 2 === 0) for (let k = 0; k < 3; k++) data[Math.floor(random() * data.length)] = Math.floor(random() * 256);
      expect(() => decodePeerMessage(data)).not.toThrow();
    }
  });
});
