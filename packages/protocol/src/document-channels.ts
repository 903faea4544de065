import type { Role } from './room-document.js';

/**
 * A room's documents. Each channel is its own Y.Doc on its own socket, so
 * the relay can decide per socket who may read and who may write it:
 *
 * - `main` (`/ws/<roomId>`): the code and the shared settings; everyone reads and writes.
 * - `statement` (`/ws/<roomId>/statement`): the problem statement and the
 *   settings only interviewers may change (`RoomSettings`); interviewers write, candidates read.
 * - `notes` (`/ws/<roomId>/notes`): the interviewers' private notes; candidates cannot even connect.
 */
export const DocumentChannel = {
  main: 'main',
  statement: 'statement',
  notes: 'notes',
} as const;

export type DocumentChannel = (typeof DocumentChannel)[keyof typeof DocumentChannel];

export const DOCUMENT_CHANNELS: readonly DocumentChannel[] = Object.values(DocumentChannel);

export function isDocumentChannel(value: unknown): value is DocumentChannel {
  return typeof value === 'string' && (DOCUMENT_CHANNELS as readonly string[]).includes(value);
}

/** Names of the shared types inside the statement and notes documents (both Markdown). */
export const ChannelText = {
  /** Y.Text in the `statement` channel. */
  statement: 'statement',
  /** Y.Text in the `notes` channel. */
  notes: 'notes',
} as const;

/**
 * The Y.Map `settings` in the `statement` channel: what interviewers decide
 * and candidates must not change, kept where channel rights already enforce that.
 */
export const RoomSettings = {
  /** Name of the Y.Map in the statement document. */
  map: 'settings',
  /** Number: seconds a run may take before it is ended (see `timeLimitSeconds`). */
  timeLimitSeconds: 'timeLimitSeconds',
  /** String: id of the question the room is working on, for its interviewer-only hints. */
  questionId: 'questionId',
} as const;

export interface ChannelRights {
  /** May connect, and receives the document, its updates and the presence on it. */
  read: boolean;
  /** Its document updates are applied, stored and relayed; without it they are dropped. */
  write: boolean;
}

const NONE: ChannelRights = Object.freeze({ read: false, write: false });
const READ: ChannelRights = Object.freeze({ read: true, write: false });
const READ_WRITE: ChannelRights = Object.freeze({ read: true, write: true });

/**
 * What a role may do on a channel. The relay enforces it (refusing the
 * socket, dropping writes); the web client uses it to decide what to open
 * and what to make editable. Unknown roles or channels get no rights.
 */
export function channelRights(channel: DocumentChannel, role: Role): ChannelRights {
  if (role === 'interviewer') return isDocumentChannel(channel) ? READ_WRITE : NONE;
  if (role !== 'candidate') return NONE;
  switch (channel) {
    case DocumentChannel.main:
      return READ_WRITE;
    case DocumentChannel.statement:
      return READ;
    case DocumentChannel.notes:
      return NONE;
    default:
      return NONE;
  }
}

/**
 * The y-websocket room name of a channel: the provider connects to
 * `<serverUrl>/<roomName>`, so `<roomId>/statement` reaches `/ws/<roomId>/statement`.
 */
export function channelRoomName(roomId: string, channel: DocumentChannel): string {
  return channel === DocumentChannel.main ? roomId : `${roomId}/${channel}`;
}

export type ChannelPath =
  | { ok: true; roomId: string; channel: DocumentChannel }
  | { ok: false; reason: 'bad-room-id' | 'unknown-channel' };

/**
 * Splits what follows `/ws/` in a relay URL path into the room id and the
 * channel: `<roomId>` is the main channel, `<roomId>/<channel>` another one.
 */
export function parseChannelPath(path: string): ChannelPath {
  const slash = path.indexOf('/');
  const rawRoom = slash === -1 ? path : path.slice(0, slash);
  const rawChannel = slash === -1 ? null : path.slice(slash + 1);
  let roomId: string;
  try {
    roomId = decodeURIComponent(rawRoom);
  } catch {
    return { ok: false, reason: 'bad-room-id' };
  }
  if (rawChannel === null) return { ok: true, roomId, channel: DocumentChannel.main };
  // The main channel has one spelling only: no `/main`, no trailing slash.
  if (rawChannel === DocumentChannel.main || !isDocumentChannel(rawChannel)) return { ok: false, reason: 'unknown-channel' };
  return { ok: true, roomId, channel: rawChannel };
}
