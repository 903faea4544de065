import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { build } from 'vite';

export const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface RecordedRequest {
  method: string;
  url: string;
  at: number;
}

export interface Recorder {
  url: string;
  port: number;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export interface Fixture {
  headers: Record<string, string>;
  body: string;
}

export interface RecordingProxy extends Recorder {
  /**
   * Documents the proxy answers itself (test pages, fake harnesses) instead
   * of the server. Not Playwright routes: request interception changes how
   * Chromium handles requests from sandboxed workers, which would spoil the
   * positive control.
   */
  fixtures: Map<string, Fixture>;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : 0);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * An HTTP proxy in front of the real server that records every request it
 * forwards, WebSocket upgrades included: the server's request log, which the
 * server itself does not keep. The browser only ever talks to the proxy.
 */
export async function startRecordingProxy(targetPort: number): Promise<RecordingProxy> {
  const requests: RecordedRequest[] = [];
  const fixtures = new Map<string, Fixture>();
  const record = (req: IncomingMessage) => requests.push({ method: req.method ?? '?', url: req.url ?? '', at: Date.now() });
  const server = createServer((req, res) => {
    const fixture = fixtures.get(req.url ?? '');
    if (fixture !== undefined) {
      res.writeHead(200, fixture.headers);
      res.end(fixture.body);
      return;
    }
    record(req);
    const upstream = httpRequest(
      { host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers },
      (response) => {
        res.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('upgrade', (req, socket, head) => {
    record(req);
    const upstream = connect(targetPort, '127.0.0.1', () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, port, requests, fixtures, close: () => closeServer(server) };
}

/** A server on another origin that records whatever reaches it and answers permissively. */
export async function startCanary(): Promise<Recorder> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? '?', url: req.url ?? '', at: Date.now() });
    res.writeHead(200, {
      'Access-Control-Allow-Origin': '*',
      'Cross-Origin-Resource-Policy': 'cross-origin',
      'Content-Type': 'text/plain',
    });
    res.end('canary');
  });
  server.on('upgrade', (req, socket) => {
    requests.push({ method: req.method ?? '?', url: req.url ?? '', at: Date.now() });
    socket.destroy();
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, port, requests, close: () => closeServer(server) };
}

/** The client, bundled as a script that defines `window.RunnerJs`. */
export async function bundleClient(): Promise<string> {
  const result = await build({
    configFile: false,
    root: packageRoot,
    logLevel: 'warn',
    resolve: { conditions: ['source'] },
    build: {
      write: false,
      emptyOutDir: false,
      minify: false,
      target: 'es2022',
      lib: { entry: join(packageRoot, 'src/index.ts'), formats: ['iife'], name: 'RunnerJs', fileName: () => 'client.js' },
    },
  });
  const outputs = Array.isArray(result) ? result : [result];
  for (const output of outputs) {
    if (!('output' in output)) continue;
    for (const item of output.output) {
      if (item.type === 'chunk') return `${item.code}\nwindow.RunnerJs = RunnerJs;`;
    }
  }
  throw new Error('bundling the client produced no code');
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** The server serves dist/harness.html: testing an old build would test old code. */
export function assertHarnessBuilt(): void {
  const html = join(packageRoot, 'dist/harness.html');
  if (!existsSync(html) || statSync(html).mtimeMs < newestMtime(join(packageRoot, 'src'))) {
    throw new Error('dist/harness.html is missing or older than src/: run "pnpm --filter @interview/runner-js build"');
  }
}

/** Headers the server puts on every response (apps/server security-headers). */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** The web app's page policy: the host page in production runs no inline script either. */
const TEST_PAGE_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'";
export const TEST_PAGE_PATH = '/__runner-js-test__/page.html';

export interface PageEvents {
  /** Every request the browser started, from any frame or worker of the page. */
  requests: string[];
  /** Requests that failed, with Chromium's reason (`csp` when a policy refused them). */
  failures: Array<{ url: string; reason: string }>;
}

/**
 * Opens a blank page of our own under the proxy's origin, with the app's
 * isolation headers and CSP, and loads the client bundle into it.
 * `page.evaluate` runs through DevTools, which the page's CSP does not block.
 */
export async function openRunnerPage(
  browser: Browser,
  proxy: RecordingProxy,
  clientBundle: string,
): Promise<{ context: BrowserContext; page: Page; events: PageEvents }> {
  proxy.fixtures.set(TEST_PAGE_PATH, {
    headers: { ...ISOLATION_HEADERS, 'Content-Security-Policy': TEST_PAGE_CSP, 'Content-Type': 'text/html' },
    body: '<!doctype html><html><head><meta charset="utf-8"><title>runner test</title></head><body><div id="runner-host" hidden></div></body></html>',
  });
  const context = await browser.newContext();
  const page = await context.newPage();
  const events: PageEvents = { requests: [], failures: [] };
  page.on('request', (request) => events.requests.push(request.url()));
  page.on('requestfailed', (request) => events.failures.push({ url: request.url(), reason: request.failure()?.errorText ?? '' }));
  await page.goto(`${proxy.url}${TEST_PAGE_PATH}`);
  await page.evaluate(clientBundle);
  return { context, page, events };
}
