/**
 * Why the relay refused a message or cut a connection, as the label of
 * `interview_refused_messages_total`. A fixed set, so that no client can
 * make the metric grow a series per value it sends.
 */
export const REFUSAL_REASONS = [
  'bad-message',
  'message-too-large',
  'too-many-messages',
  'document-too-large',
  'room-full',
  'run-output-too-large',
  'forbidden',
  'unauthorized',
  'room-not-found',
  'slow-consumer',
  'heartbeat-timeout',
] as const;

export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/**
 * Close codes of `@interview/protocol` by number rather than by name, so this
 * table does not break while codes are added or renamed there. 4414 closes
 * both a document and a run's output that grew too large; the relay counts
 * the run's case itself as 'run-output-too-large'.
 */
const BY_CLOSE_CODE: ReadonlyMap<number, RefusalReason> = new Map([
  [4400, 'bad-message'],
  [4401, 'unauthorized'],
  [4403, 'forbidden'],
  [4404, 'room-not-found'],
  [4409, 'room-full'],
  [4413, 'message-too-large'],
  [4414, 'document-too-large'],
  [4429, 'too-many-messages'],
]);

/**
 * The refusal a close code stands for, or null for a code that is no
 * refusal (a restart, a storage failure, a normal close).
 */
export function refusalReason(closeCode: number): RefusalReason | null {
  return BY_CLOSE_CODE.get(closeCode) ?? null;
}
