import { CloseCode } from '@interview/protocol';

/** The provider's own view of its socket. */
export type SocketStatus = 'connecting' | 'connected' | 'disconnected';

export interface ConnectionFacts {
  socket: SocketStatus;
  /** navigator.onLine: false is reliable, true only means "maybe". */
  browserOnline: boolean;
  /**
   * A socket closed, or an attempt to open one failed, since the last time
   * one was open: the server is out of reach, whether it was reached
   * before in this page or not (a page opened while offline).
   */
  dropped: boolean;
  /** Set when the server refused us with a code retrying cannot fix (isPermanentCloseCode); the provider stops retrying. */
  refused: { code: number; reason: string } | null;
}

export type ConnectionKind = 'connected' | 'connecting' | 'offline' | 'refused';

export interface ConnectionView {
  kind: ConnectionKind;
  label: string;
  /** Why the server refused the connection; only for `refused`. */
  detail?: string;
}

export function describeRefusal(code: number, reason: string): string {
  switch (code) {
    case CloseCode.Unauthorized:
      return 'This link is not valid for this room. Ask the interviewer for a new link.';
    case CloseCode.RoomNotFound:
      return 'This room does not exist any more.';
    case CloseCode.Forbidden:
      return reason || 'You are not allowed to do that in this room.';
    case CloseCode.RoomFull:
      return 'This room is full. Reload the page to try again once someone has left.';
    case CloseCode.DocumentTooLarge:
      // The edit is kept in this browser and would be sent again: it has to go before reconnecting.
      return 'Your last edit would make the document larger than this server allows, so it was not saved. Remove it, then reload the page to reconnect.';
    case CloseCode.SocketMessageTooBig:
      return 'Your last edit was larger than the server accepts at once, so it was not saved. Remove it, then reload the page to reconnect.';
    case CloseCode.TooManyMessages:
      return 'This browser sent more messages than the server allows, so it was disconnected. Reload the page to reconnect.';
    case CloseCode.RunOutputTooLarge:
      return 'The run printed more output than this server allows, so it was stopped. Reload the page to reconnect.';
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
  // Offline the moment the socket drops, even if it is back a second later
  // (a server restart): what is typed now waits, and the person should know.
  if (facts.dropped) return { kind: 'offline', label: 'Offline' };
  return { kind: 'connecting', label: 'Connecting…' };
}
