import type { Language, Role } from './room-document.js';
import type { RoomStatus, RunAuthor, RunStatus, SignalKind } from './room-events.js';

/**
 * What the relay records of a room for its interviewers: every run, the
 * candidate's signals and who was there. Read through the interviewer-only
 * endpoints below (`Authorization: Bearer <interviewer token>`); a
 * candidate's token gets 403.
 */

/** One relayed run, as recorded by the relay. */
export interface RunRecordView {
  runId: string;
  language: Language;
  code: string;
  by: RunAuthor;
  /** ISO 8601, when the relay received `execute-code`. */
  startedAt: string;
  /** ISO 8601; null while the run is still going. */
  finishedAt: string | null;
  /** null while the run is still going. */
  status: RunStatus | null;
  /** Everything the run printed (stdout and stderr interleaved), up to `RecordLimits.outputChars`. */
  output: string;
  /** The error the run ended with; null when it succeeded or is still going. */
  error: string | null;
  /** As the runner measured it; null when it did not report one. */
  durationMs: number | null;
}

/** Response of `GET /api/rooms/:roomId/runs`: oldest first. */
export interface RunList {
  runs: RunRecordView[];
}

/** One signal, as stored: see `SignalEvent`. */
export interface SignalRecordView {
  kind: SignalKind;
  /** ISO 8601, the relay's clock. */
  at: string;
  by: RunAuthor;
  chars?: number;
  lines?: number;
  awayMs?: number;
}

/** Response of `GET /api/rooms/:roomId/signals`: oldest first. */
export interface SignalList {
  signals: SignalRecordView[];
}

/** One connection of a participant to the room's main channel. */
export interface ParticipantRecordView {
  name: string;
  role: Role;
  /** ISO 8601. */
  joinedAt: string;
  /** ISO 8601; null while connected (or when the server stopped before they left). */
  leftAt: string | null;
}

/** Response of `GET /api/rooms/:roomId/review`: everything an interviewer reviews afterwards. */
export interface RoomReview {
  roomId: string;
  title: string;
  createdAt: string;
  status: RoomStatus;
  /** The program as it stands, in the room's current language. */
  language: Language;
  code: string;
  /** Markdown. */
  statement: string;
  /** Markdown; the interviewers' private notes. */
  notes: string;
  /** Id of the question the room was set, when there is one. */
  questionId: string | null;
  runs: RunRecordView[];
  signals: SignalRecordView[];
  participants: ParticipantRecordView[];
  /** ISO 8601. */
  generatedAt: string;
}

export const RecordLimits = {
  /** Output kept per recorded run; longer output is cut with a marker. */
  outputChars: 256 * 1024,
} as const;
