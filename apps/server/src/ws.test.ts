import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CloseCode } from '@interview/protocol';
import { waitFor } from '@interview/test-support';
import type { Logger } from './log.js';
import type { Connection } from './relay/connection.js';
import type { Room } from './relay/room.js';
import type { RoomRegistry } from './relay/room-registry.js';
import type { RoomDirectory } from './rooms/room-directory.js';
import { attachWebSocketRelay } from './ws.js';

/** A frame whose first byte is this makes the fake room throw, as a bug in the room would. */
const POISON = 0xee;

interface Harness {
  url: string;
  received: number[][];
  left: Connection[];
  errors: Array<{ event: string; fields: Record<string, unknown> | undefined }>;
  /** Lets the room finish loading (the join waits for it when `holdJoin` was set). */
  releaseJoin(): void;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The WebSocket edge over a fake directory and a fake room: only ws.ts is real. */
async function harness({ holdJoin = false, maxMessagesPerSecond = 1000 }: { holdJoin?: boolean; maxMessagesPerSecond?: number } = {}): Promise<Harness> {
  const received: number[][] = [];
  const left: Connection[] = [];
  const errors: Harness['errors'] = [];
  let releaseJoin = (): void => {};
  const loaded = holdJoin ? new Promise<void>((release) => (releaseJoin = release)) : Promise.resolve();
  const room = {
    receive(_connection: Connection, data: Uint8Array) {
      received.push([...data]);
      if (data[0] === POISON) throw new RangeError('Maximum call stack size exceeded');
    },
    leave(connection: Connection) {
      left.push(connection);
    },
  };
  const logger: Logger = {
    debug() {},
    info() {},
    warn: (event, fields) => void errors.push({ event, fields }),
    error: (event, fields) => void errors.push({ event, fields }),
  };
  const server: Server = createServer();
  const relay = attachWebSocketRelay(server, {
    // Only the parts ws.ts calls; the real classes need storage.
    directory: { authorize: async () => ({ role: 'candidate', room: {} }) } as unknown as RoomDirectory,
    registry: { join: async () => (await loaded, room as unknown as Room) } as unknown as RoomRegistry,
    logger,
    maxMessageBytes: 1024,
    maxSendBufferBytes: 1024 * 1024,
    maxMessagesPerSecond,
  });
  server.listen(0, '127.0.0.1');
  await new Promise((ready) => server.once('listening', ready));
  cleanups.push(async () => {
    relay.close();
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  });
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws/AAAAAAAAAAAAAAAAAAAAAA?token=t`, received, left, errors, releaseJoin: () => releaseJoin() };
}

function connect(url: string): { socket: WebSocket; closed: Promise<{ code: number; reason: string }>; opened: Promise<void> } {
  const socket = new WebSocket(url);
  cleanups.push(() => socket.terminate());
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  const opened = new Promise<void>((resolve) => socket.once('open', () => resolve()));
  socket.on('error', () => {});
  return { socket, closed, opened };
}

describe('attachWebSocketRelay: a frame the room fails on', () => {
  it('closes that socket with 4400 and logs the failure; the process and the other sockets carry on', async () => {
    const relay = await harness();
    const victim = connect(relay.url);
    const bystander = connect(relay.url);
    await Promise.all([victim.opened, bystander.opened]);

    victim.socket.send(Uint8Array.of(POISON, 1, 2));
    expect(await victim.closed).toEqual({ code: CloseCode.BadMessage, reason: 'the relay could not handle this message' });
    expect(relay.errors).toEqual([
      { event: 'message-failed', fields: expect.objectContaining({ bytes: 3, type: POISON, error: 'Maximum call stack size exceeded', role: 'candidate' }) },
    ]);
    expect(relay.left).toHaveLength(1);

    bystander.socket.send(Uint8Array.of(3));
    await waitFor(() => relay.received.some((frame) => frame.length === 1 && frame[0] === 3), { what: 'the other socket’s frame' });
    expect(bystander.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('does the same for a frame that arrived while the room was loading', async () => {
    const relay = await harness({ holdJoin: true });
    const victim = connect(relay.url);
    await victim.opened;
    victim.socket.send(Uint8Array.of(POISON));
    victim.socket.send(Uint8Array.of(3));
    // Both frames are queued until the room is there; without the guard the throw would be an unhandled rejection.
    await waitFor(() => victim.socket.bufferedAmount === 0, { what: 'the frames to be sent' });
    relay.releaseJoin();
    expect((await victim.closed).code).toBe(CloseCode.BadMessage);
    expect(relay.errors.map((e) => e.event)).toEqual(['message-failed']);
    expect(relay.received[0]).toEqual([POISON]);
  });
});

describe('attachWebSocketRelay: limits at the edge', () => {
  it('closes a connection that sends more frames per second than ten times the rate with 4429; the others carry on', async () => {
    const relay = await harness({ maxMessagesPerSecond: 2 });
    const flooder = connect(relay.url);
    const typist = connect(relay.url);
    await Promise.all([flooder.opened, typist.opened]);
    // At the edge every frame counts, echoes included: ten times the rate (20/s), a burst of two seconds' worth (40).
    for (let i = 0; i < 200; i++) flooder.socket.send(Uint8Array.of(1, i));
    expect(await flooder.closed).toEqual({ code: CloseCode.TooManyMessages, reason: 'more than 20 messages per second' });
    const fromFlooder = relay.received.filter((frame) => frame[0] === 1).length;
    expect(fromFlooder).toBeGreaterThanOrEqual(40);
    expect(fromFlooder).toBeLessThan(120);
    expect(relay.errors).toContainEqual({ event: 'message-refused', fields: expect.objectContaining({ code: CloseCode.TooManyMessages }) });

    typist.socket.send(Uint8Array.of(2));
    await waitFor(() => relay.received.some((frame) => frame[0] === 2), { what: 'the other connection’s frame' });
    expect(typist.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('bounds what a client may send while its room loads: past four messages’ worth it is closed with 4413 and nothing queued is delivered', async () => {
    const relay = await harness({ holdJoin: true });
    const eager = connect(relay.url);
    await eager.opened;
    // Each frame is within the 1024-byte limit; together they pass 4 × 1024 bytes.
    for (let i = 0; i < 5; i++) eager.socket.send(new Uint8Array(1000).fill(7));
    expect(await eager.closed).toEqual({ code: CloseCode.MessageTooLarge, reason: 'more than 4096 bytes sent before the room opened' });
    relay.releaseJoin();
    const patient = connect(relay.url);
    await patient.opened;
    patient.socket.send(Uint8Array.of(3));
    await waitFor(() => relay.received.some((frame) => frame[0] === 3), { what: 'a later connection’s frame' });
    expect(relay.received.some((frame) => frame[0] === 7)).toBe(false);
  });
});
