/**
 * The ceiling of the relay benchmark: a bare `ws` server that relays every
 * binary frame to the other sockets on the same URL path, and does nothing
 * else (no Yjs, no parsing, no storage, no auth). No relay can beat it on
 * these sockets; the gap to it is what a relay's own work costs.
 *
 * Run as its own process by bench/relay/servers.ts:
 *   PORT=0 node --import tsx bench/relay/ceiling-server.ts
 * It prints {"event":"listening","url":"http://127.0.0.1:<port>"} once ready,
 * like the real server.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

const host = process.env.HOST || '127.0.0.1';
const port = Number(process.env.PORT || '0');

const rooms = new Map<string, Set<WebSocket>>();
const server = createServer((_request, response) => {
  response.writeHead(404).end();
});
// perMessageDeflate off, as on our relay: compression would measure zlib, not relaying.
const wss = new WebSocketServer({ server, perMessageDeflate: false });

wss.on('connection', (socket, request) => {
  const path = (request.url ?? '/').split('?')[0]!;
  let room = rooms.get(path);
  if (!room) {
    room = new Set();
    rooms.set(path, room);
  }
  const peers = room;
  peers.add(socket);
  socket.on('message', (data, isBinary) => {
    if (!isBinary) return;
    for (const peer of peers) {
      if (peer !== socket && peer.readyState === peer.OPEN) peer.send(data, { binary: true });
    }
  });
  socket.on('close', () => {
    peers.delete(socket);
    if (peers.size === 0) rooms.delete(path);
  });
  socket.on('error', () => socket.terminate());
});

server.listen(port, host, () => {
  const { port: bound } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ event: 'listening', url: `http://${host}:${bound}` })}\n`);
});

const stop = () => {
  for (const socket of wss.clients) socket.terminate();
  server.close(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
