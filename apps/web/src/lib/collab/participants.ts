import { isRole, type AwarenessUser, type Role } from '@interview/protocol';

export interface Participant {
  /** Stable across reconnects: a person who reloads gets a new client id but keeps their entry. */
  key: string;
  name: string;
  role: Role;
  color: string;
  online: boolean;
  isSelf: boolean;
}

const HEX_COLOR = /^#[0-9a-f]{6}([0-9a-f]{2})?$/i;
const FALLBACK_COLOR = '#6b7280';

/** Reads the `user` field of an awareness state that arrived from the network. */
export function readAwarenessUser(state: unknown): AwarenessUser | null {
  if (typeof state !== 'object' || state === null) return null;
  const user = (state as { user?: unknown }).user;
  if (typeof user !== 'object' || user === null) return null;
  const { name, color, colorLight, role } = user as Record<string, unknown>;
  if (typeof name !== 'string' || name.trim() === '' || !isRole(role)) return null;
  // Colours end up in style attributes; only plain hex colours get that far.
  const safeColor = typeof color === 'string' && HEX_COLOR.test(color) ? color : FALLBACK_COLOR;
  const safeLight = typeof colorLight === 'string' && HEX_COLOR.test(colorLight) ? colorLight : `${safeColor}33`;
  return { name: name.trim(), role, color: safeColor, colorLight: safeLight };
}

const personKey = (user: Pick<AwarenessUser, 'name' | 'role'>) => `${user.role}:${user.name}`;
const SELF_KEY = 'self';

function byPresence(a: Participant, b: Participant): number {
  if (a.isSelf !== b.isSelf) return a.isSelf ? -1 : 1;
  if (a.online !== b.online) return a.online ? -1 : 1;
  if (a.role !== b.role) return a.role === 'interviewer' ? -1 : 1;
  return a.name.localeCompare(b.name);
}

/**
 * The participant list after an awareness change: everyone present is
 * online; people seen before who are gone stay listed as offline, so the
 * interviewer notices a candidate who dropped.
 */
export function mergeParticipants(
  previous: readonly Participant[],
  states: ReadonlyMap<number, unknown>,
  selfId: number,
): Participant[] {
  const next = new Map<string, Participant>();
  for (const [clientId, state] of states) {
    const user = readAwarenessUser(state);
    if (!user) continue;
    const isSelf = clientId === selfId;
    const key = isSelf ? SELF_KEY : personKey(user);
    next.set(key, { key, name: user.name, role: user.role, color: user.color, online: true, isSelf });
  }
  for (const known of previous) {
    if (!next.has(known.key) && !known.isSelf) next.set(known.key, { ...known, online: false });
  }
  return [...next.values()].sort(byPresence);
}
