import { launchPersistentChromium, makeTempDir, removeDir } from '@interview/test-support';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDriverPage, startAppServer, type AppServer } from './support/environment.js';
import { outputOf, runToEnd } from './support/runs.js';

/**
 * The sandbox has no HTTP cache of its own, so the host page fetches the
 * runtime and hands it in: on a second visit (same browser profile) the
 * files must come from the disk cache, with no runtime bytes on the wire
 * and no runtime request reaching the server.
 */

let app: AppServer;
let profileDir: string;

beforeAll(async () => {
  app = await startAppServer();
  profileDir = makeTempDir('runner-python-profile-');
});

afterAll(async () => {
  await app?.close();
  if (profileDir) removeDir(profileDir);
});

interface Visit {
  readyMs: number;
  /** Bytes received over the network for /pyodide/ files (CDP encodedDataLength). */
  runtimeNetworkBytes: number;
  runtimeFromDiskCache: number;
  runtimeRequests: number;
  /** /pyodide/ requests that arrived at the server during the visit. */
  runtimeRequestsAtServer: number;
  firstRunMs: number;
  /** From preload() to the runtime files being in memory, and from there to ready. */
  downloadedMs: number;
  bootMs: number;
}

async function visit(): Promise<Visit> {
  const context: BrowserContext = await launchPersistentChromium(profileDir);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    const urls = new Map<string, string>();
    let runtimeNetworkBytes = 0;
    let runtimeFromDiskCache = 0;
    let runtimeRequests = 0;
    const isRuntime = (url: string | undefined) => url !== undefined && new URL(url).pathname.startsWith('/pyodide/');
    cdp.on('Network.requestWillBeSent', (event) => {
      urls.set(event.requestId, event.request.url);
      if (isRuntime(event.request.url)) runtimeRequests++;
    });
    cdp.on('Network.responseReceived', (event) => {
      if (isRuntime(event.response.url) && event.response.fromDiskCache) runtimeFromDiskCache++;
    });
    cdp.on('Network.loadingFinished', (event) => {
      if (isRuntime(urls.get(event.requestId))) runtimeNetworkBytes += event.encodedDataLength;
    });

    const serverRequestsBefore = app.requests.length;
    await openDriverPage(page, app);
    const readyMs = await page.evaluate(() => {
      window.pyTest.create();
      return window.pyTest.preload();
    });
    const phases = await page.evaluate(() => {
      const states = window.pyTest.states;
      const start = states[0]!.t;
      const downloaded = states.find(({ state }) => state.phase === 'loading' && state.totalBytes !== null && state.loadedBytes >= state.totalBytes);
      const ready = states.find(({ state }) => state.phase === 'ready');
      return { downloadedMs: Math.round((downloaded?.t ?? start) - start), bootMs: Math.round((ready?.t ?? 0) - (downloaded?.t ?? start)) };
    });
    const run = await runToEnd(page, 'warm-check', 'print("ready")');
    expect(outputOf(run)).toBe('ready\n');
    const runtimeRequestsAtServer = app.requests.slice(serverRequestsBefore).filter((request) => request.url.startsWith('/pyodide/')).length;
    return {
      readyMs: Math.round(readyMs),
      runtimeNetworkBytes,
      runtimeFromDiskCache,
      runtimeRequests,
      runtimeRequestsAtServer,
      firstRunMs: Math.round(run.finishedAt! - run.startedAt),
      ...phases,
    };
  } finally {
    await context.close();
  }
}

it('downloads the runtime once; a second visit loads it from the disk cache', async () => {
  const cold = await visit();
  const warm = await visit();
  console.log(`cold visit: ${JSON.stringify(cold)}\nwarm visit: ${JSON.stringify(warm)}`);

  expect(cold.runtimeRequests).toBe(5);
  expect(cold.runtimeNetworkBytes).toBeGreaterThan(13_000_000);
  expect(cold.runtimeRequestsAtServer).toBe(5);

  expect(warm.runtimeRequests).toBe(5);
  expect(warm.runtimeFromDiskCache).toBe(5);
  expect(warm.runtimeNetworkBytes).toBeLessThan(10_000);
  expect(warm.runtimeRequestsAtServer).toBe(0);
});
