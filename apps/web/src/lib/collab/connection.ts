import { CloseCode } from '@interview/protocol';

/** The provider's own view of its socket. */
export type SocketStatus = 'connecting' | 'connected' | 'disconnected';

export interface ConnectionFacts {
  socket: SocketStatus;
  /** navigator.onLine: false is reliable, true only means "maybe". */
  browserOnline: boolean;
  /** Whether the socket was ever open in this session. */
  hasConnected: boolean;
  /** The socket has been down longer than a blip. */
  downForLong: boolean;
  /** Set when the server refused us with a 44xx code; the provider stops retrying. */
  refused: { code: number; reason: string } | null;
}

export type ConnectionKind = 'connected' | 'connecting' | 'reconnecting' | 'offline' | 'refused';

export interface ConnectionView {
  kind: ConnectionKind;
  label: string;
  /** Why the server refused the connection; only for `refused`. */
  detail?: string;
}

/** A short blip (a server restart) shows "Reconnecting…" rather than "Offline". */
export const OFFLINE_AFTER_MS = 3000;

export function describeRefusal(code: number, reason: string): string {
  switch (code) {
    case CloseCode.Unauthorized:
      return 'This link is not valid for this room. Ask the interviewer for a new link.';
    case CloseCode.RoomNotFound:
      return 'This room does not exist any more.';
    case CloseCode.Forbidden:
      return reason || 'You are not allowed to do that in this room.';
    default:
      return reason ? `The server closed the connection: ${reason}` : `The server closed the connection (code ${code}).`;
  }
}

export function describeConnection(facts: ConnectionFacts): ConnectionView {
  if (facts.refused) {
    return { kind: 'refused', label: 'Offline', detail: describeRefusal(facts.refused.code, facts.refused.reason) };
  }
  // A socket can look open for a while after the network went away; the browser knows first.
  if (!facts.browserOnline) return { kind: 'offline', label: 'Offline' };
  if (facts.socket === 'connected') return { kind: 'connected', label: 'Connected' };
  if (facts.downForLong) return { kind: 'offline', label: 'Offline' };
  if (!facts.hasConnected) return { kind: 'connecting', label: 'Connecting…' };
  return { kind: 'reconnecting', label: 'Reconnecting…' };
}
