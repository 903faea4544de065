import * as decoding from 'lib0/decoding';
import type { Role } from '@interview/protocol';

/** More entries than any real client sends in one awareness update. */
const MAX_ENTRIES = 256;

/** Presences one connection may hold at once: one per client, a few more for a reload racing its old socket. */
export const MAX_PRESENCES_PER_CONNECTION = 8;

/**
 * A presence may not claim another role than its connection's: a candidate
 * posing as an interviewer would mislead the interviewer's own page. A
 * state without `user.role` (a stock client) claims nothing.
 */
function roleProblem(state: unknown, role: Role): string | null {
  if (typeof state !== 'object' || state === null || !('user' in state)) return null;
  const user: unknown = state.user;
  if (typeof user !== 'object' || user === null || !('role' in user) || user.role === undefined) return null;
  if (user.role === role) return null;
  const claimed = typeof user.role === 'string' ? `"${user.role.slice(0, 20)}"` : typeof user.role;
  return `awareness user.role ${claimed} does not match this connection's role (${role})`;
}

/** What the role check needs to know about the sender and the room's presence. */
export interface AwarenessRoleCheck {
  /** The role of the connection that sent the update. */
  role: Role;
  /** The clock of the state the room holds for a client id (0 when none). */
  knownClock: (clientId: number) => number;
  /** The role of the other connection whose presence this client id is, if any. */
  otherOwnerRole: (clientId: number) => Role | null;
  /** The presences this connection holds, and how many it may hold at once. */
  owned?: { has(clientId: number): boolean; readonly size: number; max: number };
}

/** What the relay needs to know of an awareness update before it applies it, from one pass over it. */
export interface AwarenessInspection {
  /** Why it is refused, or null. */
  problem: string | null;
  /**
   * Whether some entry is newer than what the room holds (always, without
   * a role check). The stock y-websocket provider sends back every presence
   * it hears, so most presence frames from a client in a busy room are
   * echoes that change nothing: those are not the sender's doing and do not
   * count against its message rate.
   */
  takesEffect: boolean;
  /** The client ids it names, in order (those read before a problem stopped the reading). */
  clientIds: number[];
}

/**
 * Decodes an awareness update completely before anything is applied, so a
 * malformed one is refused whole instead of half-applied. With a role
 * check, also refuses a presence that claims another role than the
 * sender's, or that takes more presences than the connection may hold.
 * Only entries that would take effect are checked: the stock y-websocket
 * provider re-sends every presence it hears of (others' included) with the
 * clock it heard, and awareness ignores those echoes.
 */
export function inspectAwarenessUpdate(update: Uint8Array, roleCheck?: AwarenessRoleCheck): AwarenessInspection {
  const clientIds: number[] = [];
  let takesEffect = roleCheck === undefined;
  const refused = (problem: string): AwarenessInspection => ({ problem, takesEffect, clientIds });
  const decoder = decoding.createDecoder(update);
  try {
    const entries = decoding.readVarUint(decoder);
    if (entries > MAX_ENTRIES) return refused(`awareness update has ${entries} entries (at most ${MAX_ENTRIES})`);
    let taken = 0;
    for (let i = 0; i < entries; i++) {
      const clientId = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const json = decoding.readVarString(decoder);
      clientIds.push(clientId);
      if (decoder.pos > decoder.arr.length) return refused('awareness state is longer than the frame');
      const state: unknown = JSON.parse(json);
      if (state !== null && (typeof state !== 'object' || Array.isArray(state))) return refused('awareness state must be an object or null');
      if (roleCheck && clock > roleCheck.knownClock(clientId)) {
        takesEffect = true;
        const spoofed = roleProblem(state, roleCheck.role);
        if (spoofed) return refused(spoofed);
        // The same role may take a presence over (a reconnecting client whose old socket is not yet gone); another may not.
        const owner = roleCheck.otherOwnerRole(clientId);
        if (owner !== null && owner !== roleCheck.role) {
          return refused(`awareness update overwrites another participant's presence (role ${owner}); this connection's role is ${roleCheck.role}`);
        }
        if (state !== null && roleCheck.owned && !roleCheck.owned.has(clientId)) taken++;
      }
    }
    if (decoding.hasContent(decoder)) return refused('trailing bytes after awareness update');
    const owned = roleCheck?.owned;
    if (owned && owned.size + taken > owned.max) return refused(`presence for more than ${owned.max} client ids on one connection`);
    return { problem: null, takesEffect, clientIds };
  } catch (error) {
    return refused(`malformed awareness update: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Why an awareness update is refused, or null (see inspectAwarenessUpdate). */
export function awarenessUpdateProblem(update: Uint8Array, roleCheck?: AwarenessRoleCheck): string | null {
  return inspectAwarenessUpdate(update, roleCheck).problem;
}
