import { EventLimits } from '@interview/protocol';

/**
 * What the browser remembers between visits. The display name lives in
 * localStorage (it is not secret); room tokens only in sessionStorage, so
 * they vanish with the tab.
 */

const NAME_KEY = 'interview:name';
const PASSCODE_KEY = 'interview:passcode';
const tokenKey = (roomId: string) => `interview:token:${roomId}`;
const joinedKey = (roomId: string) => `interview:joined:${roomId}`;

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
