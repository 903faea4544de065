import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type ServerProcess } from '@interview/test-support';
import type { Page } from 'playwright-core';
import { build } from 'vite';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '../..');

let driverSource: Promise<string> | null = null;

/** The page driver and the client it drives, as one script to inject. */
export function pageDriverSource(): Promise<string> {
  driverSource ??= (async () => {
    const result = await build({
      configFile: false,
      root: packageDir,
      logLevel: 'warn',
      resolve: { conditions: ['source', 'browser', 'module', 'import', 'default'] },
      build: {
        write: false,
        minify: false,
        target: 'es2022',
        lib: { entry: join(packageDir, 'test/support/page-driver.ts'), formats: ['iife'], name: 'PyTestDriver', fileName: () => 'driver.js' },
      },
    });
    const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => ('output' in r ? r.output : []));
    const chunk = outputs.find((o) => o.type === 'chunk');
    if (!chunk || chunk.type !== 'chunk') throw new Error('page driver: no bundle');
    return chunk.code;
  })();
  return driverSource;
}

export interface SeenRequest {
  t: number;
  method: string;
  url: string;
}

/**
 * Everything that reaches a port: the server behind a recording proxy (so
 * "no request reached the server" is checked where requests arrive, not
 * only where the browser reports them), or a canary standing in for an
 * attacker's host.
 */
export interface RecordingServer {
  url: string;
  port: number;
  requests: SeenRequest[];
  /** TCP connections, WebSocket attempts and anything else included. */
  connections: number;
  close(): Promise<void>;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function trackConnections(server: Server, seen: { connections: number }, sockets: Set<Socket>): void {
  server.on('connection', (socket: Socket) => {
    seen.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
}

function closer(server: Server, sockets: Set<Socket>): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
}

/** A host nobody should reach: answers 200 to everything and records it. */
export async function startCanary(): Promise<RecordingServer> {
  const sockets = new Set<Socket>();
  const record = { requests: [] as SeenRequest[], connections: 0 };
  const server = createServer((req, res) => {
    record.requests.push({ t: Date.now(), method: req.method ?? '', url: req.url ?? '' });
    res.writeHead(200, { 'Access-Control-Allow-Origin': '*', 'Content-Type': 'text/plain' });
    res.end('canary');
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket) => {
    record.requests.push({ t: Date.now(), method: 'UPGRADE', url: req.url ?? '' });
    socket.destroy();
  });
  trackConnections(server, record, sockets);
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get requests() {
      return record.requests;
    },
    get connections() {
      return record.connections;
    },
    close: closer(server, sockets),
  };
}

export interface AppServer extends RecordingServer {
  server: ServerProcess;
}

/**
 * The real server (apps/server/dist/main.js), reached through a proxy that
 * records every request; at debug level the server logs each request too.
 */
export async function startAppServer(): Promise<AppServer> {
  const server = await startServer({ env: { LOG_LEVEL: 'debug' } });
  const upstream = new URL(server.url);
  const sockets = new Set<Socket>();
  const record = { requests: [] as SeenRequest[], connections: 0 };
  const proxy = createServer((req, res) => {
    record.requests.push({ t: Date.now(), method: req.method ?? '', url: req.url ?? '' });
    const forward = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  proxy.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    record.requests.push({ t: Date.now(), method: 'UPGRADE', url: req.url ?? '' });
    const target = connect(Number(upstream.port), upstream.hostname, () => {
      const headers = Object.entries(req.headers).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`);
      target.write(`${req.method} ${req.url} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`);
      target.write(head);
      target.pipe(socket).pipe(target);
    });
    target.on('error', () => socket.destroy());
    socket.on('error', () => target.destroy());
  });
  trackConnections(proxy, record, sockets);
  const port = await listen(proxy);
  const closeProxy = closer(proxy, sockets);
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    port,
    get requests() {
      return record.requests;
    },
    get connections() {
      return record.connections;
    },
    async close() {
      await closeProxy();
      await server.stop();
    },
  };
}

/** Opens the app's home page (its real CSP applies) and injects the driver. */
export async function openDriverPage(page: Page, app: AppServer): Promise<void> {
  await page.goto(`${app.url}/`);
  await page.evaluate(await pageDriverSource());
}
