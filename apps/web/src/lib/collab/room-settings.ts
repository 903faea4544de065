import type * as Y from 'yjs';
import { QUESTION_ID_PATTERN, RoomSettings, timeLimitSeconds } from '@interview/protocol';

/**
 * The settings interviewers decide (`RoomSettings`): a Y.Map in the
 * statement channel's document, where the relay already lets only
 * interviewers write. Values in a shared map are untrusted, so reads validate.
 */
export interface RoomSettingsView {
  timeLimitSeconds: number;
  /** The question the room works on, when one was loaded or the room was created from one. */
  questionId: string | null;
}

/** The settings map of a statement document. */
export function settingsMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(RoomSettings.map);
}

export function readRoomSettings(map: Y.Map<unknown>): RoomSettingsView {
  const questionId = map.get(RoomSettings.questionId);
  return {
    timeLimitSeconds: timeLimitSeconds(map.get(RoomSettings.timeLimitSeconds)),
    questionId: typeof questionId === 'string' && QUESTION_ID_PATTERN.test(questionId) ? questionId : null,
  };
}

/** Sets the run time limit, clamped; writes nothing when it is already that value. */
export function writeTimeLimit(map: Y.Map<unknown>, seconds: number): void {
  if (!Number.isFinite(seconds)) return;
  const clamped = timeLimitSeconds(seconds);
  if (map.get(RoomSettings.timeLimitSeconds) === clamped) return;
  map.set(RoomSettings.timeLimitSeconds, clamped);
}

/** Records the room's question; must run inside the transaction that loads it, so peers see both at once. */
export function writeQuestionId(map: Y.Map<unknown>, questionId: string): void {
  if (!QUESTION_ID_PATTERN.test(questionId)) throw new RangeError(`not a question id: "${questionId.slice(0, 80)}"`);
  if (map.get(RoomSettings.questionId) === questionId) return;
  map.set(RoomSettings.questionId, questionId);
}
