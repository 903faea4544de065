import type { IncomingMessage, Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { channelRights, CloseCode, parseChannelPath } from '@interview/protocol';
import { errorFields, type Logger } from './log.js';
import { refusalReason } from './metrics/refusal-reasons.js';
import type { RelayMetrics } from './metrics/relay-metrics.js';
import { Connection, type RelaySocket } from './relay/connection.js';
import { MessageRateLimit } from './relay/message-rate-limit.js';
import type { Room } from './relay/room.js';
import { RegistryClosingError, type RoomRegistry } from './relay/room-registry.js';
import { displayName } from './rooms/display-name.js';
import type { RoomDirectory } from './rooms/room-directory.js';

export interface WebSocketRelayOptions {
  directory: RoomDirectory;
  registry: RoomRegistry;
  logger: Logger;
  maxMessageBytes: number;
  /** How often dead sockets are looked for. */
  heartbeatMs?: number;
  /** Bytes waiting to be sent to one socket past which it is cut (a client that stopped reading). */
  maxSendBufferBytes: number;
  /** Messages one connection may send per second, sustained. */
  maxMessagesPerSecond: number;
  /** Counts traffic, connections and refusals; uncounted when absent. */
  metrics?: Pick<RelayMetrics, 'frameIn' | 'frameOut' | 'connectionOpened' | 'connectionClosed' | 'refused'>;
}

const WS_PATH = '/ws/';

/** Close reasons are limited to 123 bytes of UTF-8 by the WebSocket protocol. */
function closeReason(reason: string): string {
  const bytes = Buffer.from(reason);
  if (bytes.length <= 123) return reason;
  return bytes.subarray(0, 120).toString('utf8').replace(/\uFFFD+$/, '') + '…';
}

function messageBytes(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, part) => sum + part.byteLength, 0);
  return data.byteLength;
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

/**
 * Bytes, in frames of MAX_MESSAGE_BYTES, a client may send while its room
 * loads: a joining client sends its state, presence and queries at once,
 * and one of them can be a large document.
 */
const EARLY_BYTES_FACTOR = 4;

/**
 * Frames per second a connection may send, as a multiple of
 * MAX_MESSAGES_PER_SECOND, counting the presence echoes the stock client
 * sends back (one per presence change of every other participant).
 */
const ECHO_ALLOWANCE = 10;

/** How long more than the send-buffer bound may wait without any of it draining. */
const STALL_GRACE_MS = 2_000;

/**
 * Adapts a `ws` socket to the relay's minimal socket interface. A client
 * that stops reading (a frozen tab, a stalled network) would make the
 * server queue everything for it: once more than `maxBuffered` bytes wait
 * and none of it has drained for STALL_GRACE_MS, the socket is cut instead
 * (no close frame could get through anyway), so the room goes on and the
 * server's memory stays bounded. A client that is slow but reading, such
 * as a joiner receiving a large document, drains and is left alone. The
 * client reconnects and syncs when it reads again.
 */
function relaySocket(ws: WebSocket, maxBuffered: number, onCut: (buffered: number) => void, onSent?: (bytes: number) => void): RelaySocket {
  let lastBuffered = 0;
  let drainedAt = Date.now();
  return {
    send(data) {
      if (ws.readyState !== ws.OPEN) return;
      const before = ws.bufferedAmount;
      const now = Date.now();
      if (before <= maxBuffered || before < lastBuffered) drainedAt = now;
      if (now - drainedAt > STALL_GRACE_MS) {
        onCut(before);
        ws.terminate();
        return;
      }
      ws.send(data, { binary: true });
      lastBuffered = ws.bufferedAmount;
      onSent?.(data.byteLength);
    },
    close(code, reason) {
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, closeReason(reason));
    },
  };
}

/**
 * The WebSocket edge of the relay: checks the room and token during the
 * upgrade, before the socket joins anything, then hands frames to the room.
 * This is the only module that knows about `ws`.
 */
export function attachWebSocketRelay(server: Server, options: WebSocketRelayOptions): { close(): void } {
  const { directory, registry, logger, metrics } = options;
  // `ws` refuses frames past its own cap with a bare 1009; the cap sits
  // above our limit so that most oversized frames get our 4413 with a reason.
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes * 4, perMessageDeflate: false });
  const alive = new WeakMap<WebSocket, boolean>();

  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        metrics?.refused('heartbeat-timeout');
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, options.heartbeatMs ?? 30_000);
  heartbeat.unref();

  function refuse(request: IncomingMessage, socket: Duplex, head: Buffer, code: number, reason: string): void {
    count(code);
    wss.handleUpgrade(request, socket, head, (ws) => ws.close(code, reason));
  }

  function count(code: number): void {
    const reason = refusalReason(code);
    if (reason) metrics?.refused(reason);
  }

  async function upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://relay.invalid');
    if (!url.pathname.startsWith(WS_PATH)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    // `/ws/<roomId>` is the main channel, `/ws/<roomId>/<channel>` another document of the room.
    const path = parseChannelPath(url.pathname.slice(WS_PATH.length));
    if (!path.ok) {
      refuse(request, socket, head, CloseCode.RoomNotFound, path.reason === 'unknown-channel' ? 'unknown document channel' : 'room not found');
      return;
    }
    const { roomId, channel } = path;
    const access = await directory.authorize(roomId, url.searchParams.get('token'));
    if (socket.destroyed) return;
    if (access === 'unknown-room') {
      refuse(request, socket, head, CloseCode.RoomNotFound, 'room not found');
      return;
    }
    if (access === 'bad-token') {
      refuse(request, socket, head, CloseCode.Unauthorized, 'this link does not open the room');
      return;
    }
    // Decided here, before the socket joins anything: a refused socket receives no document data.
    if (!channelRights(channel, access.role).read) {
      refuse(request, socket, head, CloseCode.Forbidden, `a ${access.role} may not open the ${channel} channel`);
      return;
    }

    wss.handleUpgrade(request, socket, head, (ws) => {
      const participant = {
        connectionId: randomBytes(6).toString('base64url'),
        role: access.role,
        name: displayName(url.searchParams.get('name')),
      };
      const log = { roomId, channel, connectionId: participant.connectionId, role: participant.role };
      const maxBuffered = options.maxSendBufferBytes;
      metrics?.connectionOpened(channel);
      const cut = (buffered: number) => {
        logger.warn('slow-consumer-cut', { ...log, bufferedBytes: buffered, limit: maxBuffered });
        metrics?.refused('slow-consumer');
      };
      const sent = metrics ? (bytes: number) => metrics.frameOut(bytes) : undefined;
      const connection = new Connection(
        relaySocket(ws, maxBuffered, cut, sent),
        participant,
        new MessageRateLimit({ perSecond: options.maxMessagesPerSecond }),
      );
      let room: Room | null = null;
      // Frames that arrive while the room loads wait here, in order, up to a bound.
      const early: Uint8Array[] = [];
      let earlyBytes = 0;
      // Every frame, echoes included, before any is decoded: the room counts the ones that change something.
      const frames = new MessageRateLimit({ perSecond: options.maxMessagesPerSecond * ECHO_ALLOWANCE });
      alive.set(ws, true);
      ws.on('pong', () => alive.set(ws, true));
      ws.on('error', (error) => logger.warn('socket-error', { ...log, ...errorFields(error) }));
      ws.on('message', (data, isBinary) => {
        metrics?.frameIn(messageBytes(data));
        if (connection.closed) return;
        if (!isBinary) {
          refuseHere(CloseCode.BadMessage, 'text frames are not accepted');
          return;
        }
        if (!frames.take()) {
          refuseHere(CloseCode.TooManyMessages, `more than ${frames.perSecond} messages per second`);
          return;
        }
        const bytes = toBytes(data);
        if (room) {
          deliver(room, bytes);
          return;
        }
        earlyBytes += bytes.byteLength;
        if (earlyBytes > EARLY_BYTES_FACTOR * options.maxMessageBytes) {
          refuseHere(CloseCode.MessageTooLarge, `more than ${EARLY_BYTES_FACTOR * options.maxMessageBytes} bytes sent before the room opened`);
          return;
        }
        early.push(bytes);
      });
      ws.on('close', (code) => {
        metrics?.connectionClosed(channel);
        connection.closed = true;
        if (room) leave(room);
        logger.info('participant-left', { ...log, code });
      });

      /**
       * Hands one frame to the room. The room refuses bad frames itself; this
       * catches what it did not foresee, because an exception thrown from a
       * socket's event handler would end the process and every room with it.
       */
      function deliver(joined: Room, bytes: Uint8Array): void {
        try {
          joined.receive(connection, bytes);
        } catch (error) {
          logger.error('message-failed', { ...log, bytes: bytes.byteLength, type: bytes[0] ?? null, ...errorFields(error) });
          // Refused like a bad frame (44xx): a client whose frame fails every time must not reconnect to resend it.
          count(CloseCode.BadMessage);
          connection.close(CloseCode.BadMessage, 'the relay could not handle this message');
          leave(joined);
        }
      }

      /** A refusal decided at the edge, before the frame reaches a room. */
      function refuseHere(code: number, reason: string): void {
        logger.warn('message-refused', { ...log, code, reason });
        count(code);
        connection.close(code, reason);
        early.length = 0;
        if (room) leave(room);
      }

      function leave(joined: Room): void {
        try {
          joined.leave(connection);
        } catch (error) {
          logger.error('leave-failed', { ...log, ...errorFields(error) });
        }
      }

      registry.join(roomId, connection, channel).then(
        (joined) => {
          if (connection.closed) {
            joined.leave(connection);
            return;
          }
          room = joined;
          logger.info('participant-joined', log);
          for (const bytes of early.splice(0)) deliver(joined, bytes);
        },
        (error: unknown) => {
          if (error instanceof RegistryClosingError) {
            connection.close(error.code, error.reason);
            return;
          }
          logger.error('room-load-failed', { ...log, ...errorFields(error) });
          connection.close(CloseCode.StorageFailure, 'the room could not be loaded');
        },
      );
    });
  }

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    upgrade(request, socket, head).catch((error: unknown) => {
      logger.error('upgrade-failed', errorFields(error));
      socket.destroy();
    });
  });

  return {
    close() {
      clearInterval(heartbeat);
      wss.close();
    },
  };
}
