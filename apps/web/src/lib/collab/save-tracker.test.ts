import { describe, expect, it } from 'vitest';
import { decodeClientFrame, encodeAwarenessFrame, encodeDocumentUpdate, encodeSyncStep1, encodeSyncStep2 } from '@interview/protocol';
import { SaveTracker } from './save-tracker.js';

const STATE_VECTOR = new Uint8Array([1, 7, 3]);
const serverAsks = encodeSyncStep1(new Uint8Array([0]));
const serverAnswers = encodeSyncStep2(new Uint8Array([0, 0]));

function setup() {
  const changes: boolean[] = [];
  const tracker = new SaveTracker({ stateVector: () => STATE_VECTOR, onChange: (unsynced) => changes.push(unsynced) });
  const sent: Uint8Array[] = [];
  const open = () => tracker.opened((frame) => sent.push(frame));
  return { tracker, sent, changes, open };
}

/** The receipts the tracker asked for: sync step 1 frames with the document's state vector. */
function receipts(sent: Uint8Array[]): number {
  return sent.filter((frame) => {
    const decoded = decodeClientFrame(frame);
    return decoded.ok && decoded.value.kind === 'sync-step1' && decoded.value.stateVector.join() === STATE_VECTOR.join();
  }).length;
}

describe('SaveTracker', () => {
  it('starts with nothing unsynced and asks for nothing', () => {
    const { tracker, sent, open } = setup();
    open();
    tracker.received(serverAsks);
    tracker.received(serverAnswers);
    expect(tracker.unsynced).toBe(false);
    expect(sent).toEqual([]);
  });

  it('holds a change made while connected until the answer to its receipt', () => {
    const { tracker, sent, changes, open } = setup();
    open();
    tracker.received(serverAsks);
    tracker.received(serverAnswers); // the provider's own step 1
    tracker.changed();
    expect(tracker.unsynced).toBe(true);
    expect(receipts(sent)).toBe(1);
    // Other frames (the server's broadcast of someone's update, presence) confirm nothing.
    tracker.received(encodeDocumentUpdate(new Uint8Array([0, 0])));
    tracker.received(encodeAwarenessFrame(new Uint8Array([0])));
    expect(tracker.unsynced).toBe(true);
    tracker.received(serverAnswers);
    expect(tracker.unsynced).toBe(false);
    expect(changes).toEqual([true, false]);
  });

  it('asks for one receipt at a time and covers what was typed meanwhile with the next', () => {
    const { tracker, sent, open } = setup();
    open();
    tracker.received(serverAsks);
    tracker.received(serverAnswers);
    tracker.changed();
    tracker.changed();
    tracker.changed();
    expect(receipts(sent)).toBe(1);
    tracker.received(serverAnswers);
    // The first receipt covered only the first change: a second goes out for the others.
    expect(tracker.unsynced).toBe(true);
    expect(receipts(sent)).toBe(2);
    tracker.received(serverAnswers);
    expect(tracker.unsynced).toBe(false);
    expect(receipts(sent)).toBe(2);
  });

  it('does not take the answer to the provider’s own step 1 as a receipt', () => {
    const { tracker, sent, open } = setup();
    tracker.changed(); // made before connecting
    open();
    tracker.received(serverAnswers); // the server answered the provider before asking itself
    expect(tracker.unsynced).toBe(true);
    expect(receipts(sent)).toBe(0);
    tracker.received(serverAsks); // the provider answered with the offline change; now ask
    expect(receipts(sent)).toBe(1);
    tracker.received(serverAnswers);
    expect(tracker.unsynced).toBe(false);
  });

  it('asks for no receipt before the server asked for what it lacks', () => {
    const { tracker, sent, open } = setup();
    tracker.changed(); // offline
    open();
    tracker.changed(); // goes out at once, but the offline one has not yet
    expect(receipts(sent)).toBe(0);
    tracker.received(serverAsks);
    expect(receipts(sent)).toBe(1);
    tracker.received(serverAnswers); // the provider's step 1
    expect(tracker.unsynced).toBe(true);
    tracker.received(serverAnswers); // the receipt
    expect(tracker.unsynced).toBe(false);
  });

  it('keeps changes unsynced when the socket drops before the receipt is answered', () => {
    const { tracker, sent, open } = setup();
    open();
    tracker.received(serverAsks);
    tracker.changed();
    tracker.closed();
    expect(tracker.unsynced).toBe(true);
    // A new socket: the old receipt's answer will never come, and the new socket proves nothing until the server asks.
    open();
    tracker.received(serverAnswers);
    expect(tracker.unsynced).toBe(true);
    tracker.changed();
    expect(receipts(sent)).toBe(1);
    tracker.received(serverAsks);
    expect(receipts(sent)).toBe(2);
    tracker.received(serverAnswers);
    expect(tracker.unsynced).toBe(false);
  });

  it('counts changes made with no socket and sends nothing', () => {
    const { tracker, sent } = setup();
    tracker.changed();
    tracker.received(serverAnswers);
    expect(tracker.unsynced).toBe(true);
    expect(sent).toEqual([]);
  });

  it('answers a server that asks again (a reopened interview) with a receipt only when something is unconfirmed', () => {
    const { tracker, sent, open } = setup();
    open();
    tracker.received(serverAsks);
    tracker.received(serverAnswers);
    tracker.received(serverAsks);
    expect(receipts(sent)).toBe(0);
    tracker.changed();
    tracker.received(serverAsks);
    expect(receipts(sent)).toBe(1);
  });

  it('ignores frames that are not sync frames or do not decode', () => {
    const { tracker, open } = setup();
    open();
    tracker.received(serverAsks);
    tracker.changed();
    tracker.received(new Uint8Array([]));
    tracker.received(new Uint8Array([0]));
    tracker.received(new Uint8Array([100, 2, 123, 125]));
    expect(tracker.unsynced).toBe(true);
  });
});
