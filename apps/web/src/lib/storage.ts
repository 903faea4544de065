import { EventLimits, type RoomInfo } from '@interview/protocol';

/**
 * What the browser remembers between visits. The display name lives in
 * localStorage (it is not secret); room tokens only in sessionStorage, so
 * they vanish with the tab.
 */

const NAME_KEY = 'interview:name';
const PASSCODE_KEY = 'interview:passcode';
const tokenKey = (roomId: string) => `interview:token:${roomId}`;
const joinedKey = (roomId: string) => `interview:joined:${roomId}`;
const roomInfoKey = (roomId: string) => `interview:room-info:${roomId}`;
const copySavedKey = (copyName: string) => `interview:copy-saved:${copyName}`;

/** Trims and bounds a display name; null when nothing is left. */
export function normalizeName(raw: string): string | null {
  const name = raw.replace(/\s+/g, ' ').trim().slice(0, EventLimits.nameLength);
  return name === '' ? null : name;
}

// Storage can throw (disabled cookies, private modes, quota); the app then
// simply forgets, which is never worse than not having storage.
function read(store: () => Storage, key: string): string | null {
  try {
    return store().getItem(key);
  } catch {
    return null;
  }
}

function write(store: () => Storage, key: string, value: string): void {
  try {
    store().setItem(key, value);
  } catch {
    // see read()
  }
}

const local = () => localStorage;
const session = () => sessionStorage;

export function rememberedName(): string | null {
  const stored = read(local, NAME_KEY);
  return stored === null ? null : normalizeName(stored);
}

export function rememberName(name: string): void {
  write(local, NAME_KEY, name);
}

export function rememberedToken(roomId: string): string | null {
  return read(session, tokenKey(roomId));
}

export function rememberToken(roomId: string, token: string): void {
  write(session, tokenKey(roomId), token);
}

/** The name confirmed on the join form in this tab, so a reload does not ask again. */
export function joinedName(roomId: string): string | null {
  const stored = read(session, joinedKey(roomId));
  return stored === null ? null : normalizeName(stored);
}

export function rememberJoined(roomId: string, name: string): void {
  write(session, joinedKey(roomId), name);
}

/** The interviewer passcode, for this tab only (sessionStorage), so it never outlives the session. */
export function rememberedPasscode(): string | null {
  return read(session, PASSCODE_KEY);
}

export function rememberPasscode(passcode: string): void {
  write(session, PASSCODE_KEY, passcode);
}

export function forgetPasscode(): void {
  try {
    sessionStorage.removeItem(PASSCODE_KEY);
  } catch {
    // see read()
  }
}

/**
 * The room as the server last described it to this tab, so that a reload
 * while the server is out of reach still opens the room. Kept beside the
 * token, in sessionStorage: an interviewer's copy holds the candidate link.
 */
export function rememberRoomInfo(roomId: string, info: RoomInfo): void {
  write(session, roomInfoKey(roomId), JSON.stringify(info));
}

/** The room info remembered for this room, if it is still well formed. */
export function rememberedRoomInfo(roomId: string): RoomInfo | null {
  return parseRoomInfo(read(session, roomInfoKey(roomId)), roomId);
}

export function parseRoomInfo(stored: string | null, roomId: string): RoomInfo | null {
  if (stored === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(stored);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const info = value as Partial<RoomInfo>;
  const wellFormed =
    info.roomId === roomId &&
    typeof info.title === 'string' &&
    (info.role === 'interviewer' || info.role === 'candidate') &&
    typeof info.createdAt === 'string' &&
    typeof info.status === 'object' &&
    info.status !== null &&
    (info.candidateUrl === undefined || typeof info.candidateUrl === 'string');
  return wellFormed ? (info as RoomInfo) : null;
}

/**
 * Whether the browser's copy of a document (`LocalCopy`) held nothing the
 * server lacked when this tab last had it open: per tab, so another tab's
 * unsaved changes in the same copy never count as saved.
 */
export function localCopySaved(copyName: string): boolean {
  return read(session, copySavedKey(copyName)) === '1';
}

export function rememberLocalCopySaved(copyName: string, saved: boolean): void {
  if (saved) {
    write(session, copySavedKey(copyName), '1');
    return;
  }
  try {
    sessionStorage.removeItem(copySavedKey(copyName));
  } catch {
    // see read()
  }
}
