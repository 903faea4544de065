import type { RoomEvent } from '@interview/protocol';
import { watchPresence, type PresenceSources } from './presence-watch.js';
import { SignalTracker } from './signal-tracker.js';

/**
 * Starts reporting a candidate's signals on the room's event channel: the
 * presence of this tab from the DOM, and pastes the code editor hands to
 * `tracker.pasted`. Only candidates' browsers call this.
 */
export function captureSignals(
  send: (event: RoomEvent) => boolean,
  sources: PresenceSources,
): { tracker: SignalTracker; stop: () => void } {
  const tracker = new SignalTracker((signal) => send({ type: 'signal', payload: signal }));
  const stop = watchPresence(sources, (present) => tracker.presence(present));
  return { tracker, stop };
}
