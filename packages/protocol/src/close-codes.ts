/**
 * WebSocket close codes the relay uses. The stock y-websocket provider does
 * not reconnect after a code in 4400–4499, so every refusal that retrying
 * cannot fix lives there; codes it should retry after (a restart) do not.
 */
export const CloseCode = {
  /** The frame did not decode, or an event failed validation. */
  BadMessage: 4400,
  /** No token, or a token that does not open this room. */
  Unauthorized: 4401,
  /** The token is valid but the action is not allowed for its role. */
  Forbidden: 4403,
  /** No room with this id. */
  RoomNotFound: 4404,
  /** The room already holds as many participants as the server allows. */
  RoomFull: 4409,
  /** A frame exceeded the configured size limit. */
  MessageTooLarge: 4413,
  /** An update would grow the room's document past the configured size limit; it was not applied. */
  DocumentTooLarge: 4414,
  /** A run streamed more output than the configured limit. */
  RunOutputTooLarge: 4415,
  /** The connection sent more messages per second than the server allows. */
  TooManyMessages: 4429,
  /**
   * A frame over four times the size limit, refused by the socket layer
   * before it was read. The stock provider reconnects after it, and would
   * send the same state again.
   */
  SocketMessageTooBig: 1009,
  /** The server failed to store an update; the client should retry later. */
  StorageFailure: 1011,
  /** The server is restarting; the client should reconnect. */
  ServiceRestart: 1012,
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** True for codes after which a client should not try to reconnect. */
export function isPermanentCloseCode(code: number): boolean {
  return (code >= 4400 && code <= 4499) || code === CloseCode.SocketMessageTooBig;
}
