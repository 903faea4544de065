import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloseCode } from '@interview/protocol';
import type { Config } from './config.js';
import { createHttpApp } from './http/app.js';
import { locateHarness, locatePyodide } from './http/runner-routes.js';
import type { Logger } from './log.js';
import { RoomRegistry } from './relay/room-registry.js';
import { RoomDirectory } from './rooms/room-directory.js';
import type { RoomBus } from './bus/room-bus.js';
import type { RoomStore } from './storage/room-store.js';
import { MeasuredRoomStore } from './metrics/measured-store.js';
import { RelayMetrics } from './metrics/relay-metrics.js';
import { attachWebSocketRelay } from './ws.js';

export interface RunningServer {
  httpServer: Server;
  registry: RoomRegistry;
  /** Resolves with the URL the server listens on. */
  listen(): Promise<string>;
  /** Stops accepting, closes sockets with "service restart", stores every room, closes storage. */
  shutdown(): Promise<void>;
}

export interface Backends {
  store: RoomStore;
  storage: 'sqlite' | 'postgres';
  /** The bus to other instances; null when this instance serves its rooms alone. */
  bus: RoomBus | null;
}

/** Wires storage, the bus, the room relay and the HTTP app into one server. */
export function createAppServer(config: Config, backends: Backends, logger: Logger): RunningServer {
  const { storage, bus } = backends;
  const metrics = new RelayMetrics({ rooms: () => registry.activeRoomCount });
  const store = new MeasuredRoomStore(backends.store, metrics.storage);
  const directory = new RoomDirectory(store);
  const registry: RoomRegistry = new RoomRegistry({
    store,
    logger,
    maxMessageBytes: config.maxMessageBytes,
    snapshotEvery: config.snapshotEvery,
    limits: {
      maxDocumentBytes: config.maxDocumentBytes,
      maxParticipants: config.maxParticipantsPerRoom,
      maxRunOutputChars: config.maxRunOutputChars,
    },
    bus: bus ? { bus, instanceId: `${config.instanceId}/${randomBytes(6).toString('hex')}` } : null,
    sharedStorage: storage === 'postgres',
    metrics,
  });
  const app = createHttpApp({
    directory,
    store,
    logger,
    publicUrl: config.publicUrl,
    webDistDir: config.webDistDir,
    pyodide: locatePyodide(config.pyodideBase),
    harnesses: { python: locateHarness('@interview/runner-python'), javascript: locateHarness('@interview/runner-js') },
    interviewerPasscode: config.interviewerPasscode,
    passcodeAttemptsPerMinute: config.passcodeAttemptsPerMinute,
    roomsPerAddressPerMinute: config.roomsPerAddressPerMinute,
    maxRunOutputChars: config.maxRunOutputChars,
    maxMessageBytes: config.maxMessageBytes,
    maxDocumentBytes: config.maxDocumentBytes,
    metrics,
    metricsToken: config.metricsToken,
    trustProxy: config.trustProxy,
    statusChanged: (roomId, status) => registry.statusChanged(roomId, status),
    deployment: { instanceId: config.instanceId, storage, bus: () => bus?.state ?? 'local' },
  });
  const httpServer = createServer(app);
  const relay = attachWebSocketRelay(httpServer, {
    directory,
    registry,
    logger,
    maxMessageBytes: config.maxMessageBytes,
    heartbeatMs: config.heartbeatMs,
    maxSendBufferBytes: config.maxSendBufferBytes,
    maxMessagesPerSecond: config.maxMessagesPerSecond,
    metrics,
  });

  return {
    httpServer,
    registry,
    listen() {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(config.port, config.host, () => {
          const { port } = httpServer.address() as AddressInfo;
          const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
          resolve(`http://${host.includes(':') ? `[${host}]` : host}:${port}`);
        });
      });
    },
    async shutdown() {
      const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      relay.close();
      await registry.closeAll(CloseCode.ServiceRestart, 'service restart');
      httpServer.closeAllConnections();
      await closed;
      await bus?.close();
      await store.close();
    },
  };
}
