/**
 * The first varUint of every WebSocket frame. 0–3 are the y-websocket
 * protocol's own types, so the stock provider interoperates; 100 carries
 * room events (JSON) on the same socket.
 */
export const MessageType = {
  Sync: 0,
  Awareness: 1,
  Auth: 2,
  QueryAwareness: 3,
  RoomEvent: 100,
} as const;

export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** The second varUint of a Sync frame (y-protocols/sync). */
export const SyncMessageType = {
  Step1: 0,
  Step2: 1,
  Update: 2,
} as const;

/** Bumped on any incompatible change to frames, events or the document layout. */
export const PROTOCOL_VERSION = 1;
