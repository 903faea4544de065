import type { Browser, CDPSession, Page } from 'playwright-core';
import { launchChromium, startServer, type ServerProcess } from '@interview/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SANDBOX_LOST_MESSAGE } from '../src/index.js';
import { allText, installDriver, type RunResult, type TickerReport } from './page-driver.js';
import { assertHarnessBuilt, bundleClient, openRunnerPage, startRecordingProxy, type RecordingProxy } from './support.js';

// A file of its own: once any renderer of a page crashes, Playwright refuses
// page.evaluate on that page for good, although the page itself lives on.

let server: ServerProcess;
let proxy: RecordingProxy;
let browser: Browser;
let page: Page;
let cdp: CDPSession;

beforeAll(async () => {
  assertHarnessBuilt();
  const clientBundle = await bundleClient();
  server = await startServer();
  proxy = await startRecordingProxy(server.port);
  browser = await launchChromium();
  ({ page } = await openRunnerPage(browser, proxy, clientBundle));
  await page.evaluate(installDriver, {});
  await page.evaluate(() => window.driver.runner.preload());
  cdp = await page.context().newCDPSession(page);
});

afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await server?.stop();
});

/** Evaluates in the page over CDP, which keeps working after the sandbox's renderer crashed. */
async function evaluate<T>(expression: string): Promise<T> {
  const { result, exceptionDetails } = await cdp.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
  if (exceptionDetails) throw new Error(exceptionDetails.exception?.description ?? exceptionDetails.text);
  return JSON.parse(result.value as string) as T;
}

it('a program that exhausts memory crashes only the sandbox; the page runs on and so does the next run', async () => {
  const harnessLoads = () => proxy.requests.filter((request) => request.url === '/runner/javascript.html').length;
  const loadsBefore = harnessLoads();
  const report = await evaluate<{ result: RunResult; ticker: TickerReport }>(`(async () => {
    const { driver } = window;
    driver.startTicker();
    const runId = driver.start("console.log('hoarding');\\nconst hoard = [];\\nfor (;;) hoard.push(new Array(1e6).fill(1.5));", 120000);
    const result = await driver.result(runId);
    return JSON.stringify({ result, ticker: driver.stopTicker() });
  })()`);
  expect(report.result.outcome).toMatchObject({ status: 'error', error: SANDBOX_LOST_MESSAGE, errorLine: null });
  expect(allText(report.result.output)).toBe('hoarding\n');
  // Crash after a few seconds of allocation, then at most HEARTBEAT_TIMEOUT_MS + one interval.
  expect(report.result.wallMs).toBeLessThan(30_000);
  expect(report.ticker.maxGapMs).toBeLessThan(200);
  console.info(
    `out of memory: reported after ${(report.result.wallMs / 1000).toFixed(1)} s, page timer max gap ${report.ticker.maxGapMs.toFixed(1)} ms`,
  );

  const next = await evaluate<RunResult>(`window.driver.result(window.driver.start("console.log('alive')")).then(JSON.stringify)`);
  expect(next.outcome.status).toBe('ok');
  expect(allText(next.output)).toBe('alive\n');
  expect(harnessLoads()).toBe(loadsBefore + 1);
  const frames = await evaluate<number>(`JSON.stringify(document.querySelectorAll('#runner-host iframe').length)`);
  expect(frames).toBe(1);
});
