import { CloseCode } from '@interview/protocol';

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

const BY_CLOSE_CODE: ReadonlyMap<number, RefusalReason> = new Map<number, RefusalReason>([
  [CloseCode.BadMessage, 'bad-message'],
  [CloseCode.Unauthorized, 'unauthorized'],
  [CloseCode.Forbidden, 'forbidden'],
  [CloseCode.RoomNotFound, 'room-not-found'],
  [CloseCode.RoomFull, 'room-full'],
  [CloseCode.MessageTooLarge, 'message-too-large'],
  [CloseCode.DocumentTooLarge, 'document-too-large'],
  [CloseCode.RunOutputTooLarge, 'run-output-too-large'],
  [CloseCode.TooManyMessages, 'too-many-messages'],
]);

/**
 * The refusal a close code stands for, or null for a code that is no
 * refusal (a restart, a storage failure, a normal close).
 */
export function refusalReason(closeCode: number): RefusalReason | null {
  return BY_CLOSE_CODE.get(closeCode) ?? null;
}
