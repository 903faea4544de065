import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import {
  ChannelText,
  channelRoomName,
  decodeRoomEvent,
  DocumentChannel,
  MessageType,
  RoomDocument,
  type CreateRoomResponse,
  type RoomEvent,
} from '@interview/protocol';
import { waitFor } from '@interview/test-support';

export interface CreatedRoom extends CreateRoomResponse {
  interviewerToken: string;
  candidateToken: string;
}

function tokenOf(url: string): string {
  const token = new URL(url).hash.match(/^#token=(.+)$/)?.[1];
  if (!token) throw new Error(`no token in ${url}`);
  return decodeURIComponent(token);
}

export async function createRoom(baseUrl: string, body: unknown = { title: 'Integration' }): Promise<CreatedRoom> {
  const response = await fetch(`${baseUrl}/api/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 201) throw new Error(`POST /api/rooms answered ${response.status}: ${await response.text()}`);
  const room = (await response.json()) as CreateRoomResponse;
  return { ...room, interviewerToken: tokenOf(room.interviewerUrl), candidateToken: tokenOf(room.candidateUrl) };
}

export interface StockClient {
  doc: Y.Doc;
  text: Y.Text;
  provider: WebsocketProvider;
  /** Close codes the provider saw, in order. */
  closes: Array<{ code: number; reason: string }>;
  synced(): Promise<void>;
  destroy(): void;
}

/** The Y.Text a channel is about: the code on main, the Markdown on the others. */
export function channelTextName(channel: DocumentChannel): string {
  switch (channel) {
    case DocumentChannel.main:
      return RoomDocument.code;
    case DocumentChannel.statement:
      return ChannelText.statement;
    case DocumentChannel.notes:
      return ChannelText.notes;
  }
}

/**
 * A stock y-websocket provider, exactly as a third-party client would use
 * it; another channel than main is reached with the room name `<roomId>/<channel>`.
 */
export function connectStockClient(
  baseUrl: string,
  roomId: string,
  token: string,
  name = 'Tester',
  channel: DocumentChannel = DocumentChannel.main,
): StockClient {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`${baseUrl.replace(/^http/, 'ws')}/ws`, channelRoomName(roomId, channel), doc, {
    // The provider's type expects the DOM WebSocket; `ws` implements the same interface.
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    params: { token, name },
    disableBc: true,
  });
  const closes: Array<{ code: number; reason: string }> = [];
  provider.on('connection-close', (event) => {
    if (event) closes.push({ code: event.code, reason: event.reason });
  });
  return {
    doc,
    text: doc.getText(channelTextName(channel)),
    provider,
    closes,
    synced: () => waitFor(() => provider.synced, { what: `client ${name} to sync` }).then(() => undefined),
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
}

export interface RawClient {
  socket: WebSocket;
  /** Every binary frame received, in order. */
  received: Uint8Array[];
  closed: Promise<{ code: number; reason: string }>;
  opened: Promise<void>;
}

/** A bare WebSocket, for sending what no well-behaved client would and capturing every byte received. */
export function connectRaw(
  baseUrl: string,
  roomId: string,
  token: string | null,
  name = 'Raw',
  channel: DocumentChannel | string = DocumentChannel.main,
): RawClient {
  const query = new URLSearchParams({ name });
  if (token !== null) query.set('token', token);
  const path = channel === DocumentChannel.main ? roomId : `${roomId}/${channel}`;
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws/${path}?${query}`);
  const received: Uint8Array[] = [];
  socket.on('message', (data: Buffer) => received.push(new Uint8Array(data)));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  const opened = new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.on('error', () => {});
  return { socket, received, closed, opened };
}

/** The room events among the frames a raw client received. */
export function eventsOf(frames: Uint8Array[]): RoomEvent[] {
  return frames
    .filter((f) => f[0] === MessageType.RoomEvent)
    .flatMap((f) => {
      const decoded = decodeRoomEvent(f);
      return decoded.ok ? [decoded.value] : [];
    });
}
