import type { Language, Role } from './room-document.js';
import type { RoomStatus } from './room-events.js';

/** Body of `POST /api/rooms`; every field is optional. */
export interface CreateRoomRequest {
  title?: string;
  language?: Language;
  /** A question of the bank: the room starts with its statement and its starter code for `language`. */
  questionId?: string;
}

/** Response of `POST /api/rooms` (201). */
export interface CreateRoomResponse {
  roomId: string;
  interviewerUrl: string;
  candidateUrl: string;
}

/** Response of `GET /api/rooms/:roomId` with `Authorization: Bearer <token>`. */
export interface RoomInfo {
  roomId: string;
  title: string;
  role: Role;
  createdAt: string;
  /** Whether the interview has ended (candidates then read only). */
  status: RoomStatus;
  /** Only for interviewers: the link to send to the candidate. */
  candidateUrl?: string;
}

/** Body of `PUT /api/rooms/:roomId/status` (interviewers only); the response is the new `RoomStatus`. */
export interface SetRoomStatusRequest {
  ended: boolean;
  /**
   * Who ends it, kept as `endedBy` (control characters removed, at most 80
   * characters; "Interviewer" when absent): the token says only that an interviewer asks.
   */
  name?: string;
}

export interface ApiError {
  error: string;
}

export const ApiLimits = {
  titleLength: 120,
} as const;

/** Page path of a room; the token travels in the fragment, never to the server. */
export function roomPagePath(roomId: string): string {
  return `/r/${encodeURIComponent(roomId)}`;
}

/** Page path of a room's review (interviewers); the token travels in the fragment as for the room. */
export function reviewPagePath(roomId: string): string {
  return `${roomPagePath(roomId)}/review`;
}

export const ROOM_ID_PATTERN = /^[A-Za-z0-9_-]{20,64}$/;

/** Response of `GET /api/config`: what the browser needs to know about this deployment. */
export interface ClientConfig {
  /** Base URL of the Pyodide runtime files (this server's own copy unless PYODIDE_BASE is set). */
  pyodideBaseUrl: string;
  /** True when creating rooms and using the question bank need the interviewer passcode. */
  passcodeRequired: boolean;
  /** Characters of output one run may stream to the room (MAX_RUN_OUTPUT_CHARS); a runner truncates below it. */
  maxRunOutputChars: number;
  /** Largest message the relay takes (MAX_MESSAGE_BYTES): an edit must fit in one. */
  maxMessageBytes: number;
  /** Encoded size a document may grow to (MAX_DOCUMENT_BYTES). */
  maxDocumentBytes: number;
}

/** Request header carrying the interviewer passcode when the server has one (`INTERVIEWER_PASSCODE`). */
export const PASSCODE_HEADER = 'X-Interviewer-Passcode';
