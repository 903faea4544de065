import { launchChromium, removeDir, startServer, waitFor, type ServerProcess } from '@interview/test-support';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoomByApi, editorOf, joinAs, PageOpener, replaceCode, type WatchedPage } from './room-page.js';

/**
 * Running code in a room, end to end: one participant runs, the other
 * watches the same output live, in real Chromium against the built server.
 */

let server: ServerProcess;
let browser: Browser;
const pages = new PageOpener(() => browser);
const CLIPBOARD = ['clipboard-read', 'clipboard-write'];

beforeAll(async () => {
  // Debug logging records every HTTP request the server receives.
  server = await startServer({ env: { LOG_LEVEL: 'debug' } });
  browser = await launchChromium();
});

afterAll(async () => {
  await pages.closeAll();
  await browser?.close();
  await server?.stop();
  if (server) removeDir(server.dataDir);
});

async function pair(language: 'python' | 'javascript'): Promise<{ interviewer: WatchedPage; candidate: WatchedPage }> {
  const room = await createRoomByApi(server.url, `Run ${language}`, language);
  const interviewer = await pages.open(CLIPBOARD);
  const candidate = await pages.open(CLIPBOARD);
  await joinAs(interviewer.page, room.interviewerUrl, 'Grace');
  await joinAs(candidate.page, room.candidateUrl, 'Ada');
  return { interviewer, candidate };
}

const output = (page: Page) => page.getByRole('region', { name: 'Output' });
const programOutput = async (page: Page) => (await output(page).getByLabel('Program output').textContent()) ?? '';
const runStatus = (page: Page, text: string | RegExp) => output(page).getByRole('status').filter({ hasText: text });

/** Records the longest gap between ticks of a 10 ms timer on the page. */
async function startJankProbe(page: Page): Promise<() => Promise<number>> {
  await page.evaluate(() => {
    const probe = { last: performance.now(), worst: 0 };
    (window as unknown as { jankProbe: typeof probe }).jankProbe = probe;
    setInterval(() => {
      const now = performance.now();
      probe.worst = Math.max(probe.worst, now - probe.last);
      probe.last = now;
    }, 10);
  });
  return () => page.evaluate(() => (window as unknown as { jankProbe: { worst: number } }).jankProbe.worst);
}

describe('running Python', () => {
  it('streams the output of a run to the other participant, line by line', async () => {
    const { interviewer, candidate } = await pair('python');
    const a = interviewer.page;
    const b = candidate.page;
    await replaceCode(b, 'import time\nfor i in range(4):\n    print("tick", i)\n    time.sleep(0.4)\nprint("done")\n');
    await b.getByRole('button', { name: 'Run Python' }).click();

    await output(a).getByText('Ada is running Python…').waitFor({ timeout: 30000 });
    // A line arrives while the run is still going: the output streams.
    await waitFor(async () => (await programOutput(a)).includes('tick 1'), { timeoutMs: 30000, what: 'a streamed line' });
    expect(await runStatus(a, 'Running…').count()).toBe(1);
    await runStatus(a, /Finished in/).waitFor({ timeout: 30000 });
    expect(await programOutput(a)).toBe('tick 0\ntick 1\ntick 2\ntick 3\ndone\n');
    expect(await programOutput(b)).toBe(await programOutput(a));
    expect(interviewer.problems).toEqual([]);
    expect(candidate.problems).toEqual([]);
  });

  it('asks the runner for input, and everyone sees the prompt and the answer', async () => {
    const { interviewer, candidate } = await pair('python');
    const a = interviewer.page;
    const b = candidate.page;
    await replaceCode(b, 'name = input("Name? ")\nprint("Hello,", name)\n');
    await editorOf(b).press('Control+Enter');

    const field = output(b).getByLabel(/Input for the program/);
    await field.waitFor({ timeout: 30000 });
    expect(await programOutput(b)).toBe('Name? ');
    await output(a).getByText('Waiting for Ada to type an answer…').waitFor();
    expect(await output(a).getByLabel(/Input for the program/).count()).toBe(0);
    await field.fill('Grace');
    await output(b).getByRole('button', { name: 'Send input' }).click();
    await runStatus(a, /Finished in/).waitFor({ timeout: 30000 });
    expect(await programOutput(a)).toBe('Name? Grace\nHello, Grace\n');
  });

  it('lets the other participant stop an endless loop while the page stays responsive', async () => {
    const { interviewer, candidate } = await pair('python');
    const a = interviewer.page;
    const b = candidate.page;
    await replaceCode(b, 'print("looping")\nwhile True:\n    pass\n');
    const worstGap = await startJankProbe(b);
    await b.getByRole('button', { name: 'Run Python' }).click();
    await waitFor(async () => (await programOutput(a)).includes('looping'), { timeoutMs: 30000, what: 'the loop to start' });
    await a.getByRole('button', { name: 'Stop' }).click();
    await runStatus(a, /Stopped/).waitFor({ timeout: 5000 });
    await runStatus(b, /Stopped/).waitFor({ timeout: 5000 });
    expect(await worstGap()).toBeLessThan(500);

    // The runtime stays warm: the next run works at once.
    await replaceCode(b, 'print(6 * 7)\n');
    await b.getByRole('button', { name: 'Run Python' }).click();
    await runStatus(a, /Finished in/).waitFor({ timeout: 10000 });
    expect(await programOutput(a)).toBe('42\n');
  });

  it('ends a sleeping loop at the room time limit the interviewer sets', async () => {
    const { interviewer, candidate } = await pair('python');
    const a = interviewer.page;
    const b = candidate.page;
    await a.getByLabel('Time limit (seconds)').fill('2');
    await a.getByLabel('Time limit (seconds)').press('Enter');
    await b.getByText('Time limit: 2 s').waitFor();
    await replaceCode(b, 'import time\nwhile True:\n    time.sleep(0.2)\n');
    await b.getByRole('button', { name: 'Run Python' }).click();
    await runStatus(a, /Timed out/).waitFor({ timeout: 30000 });
  });

  it('highlights the failing line for everyone', async () => {
    const { interviewer, candidate } = await pair('python');
    const a = interviewer.page;
    const b = candidate.page;
    await replaceCode(b, 'x = 1\ny = 2\nprint(x / (y - 2))\n');
    await b.getByRole('button', { name: 'Run Python' }).click();
    await runStatus(a, /Failed/).waitFor({ timeout: 30000 });
    for (const page of [a, b]) {
      const marked = page.locator('.cm-errorLine');
      await marked.waitFor();
      expect(await marked.textContent()).toBe('print(x / (y - 2))');
    }
    const traceback = (await output(a).getByLabel('Error').textContent()) ?? '';
    expect(traceback).toContain('ZeroDivisionError');
    expect(traceback).toContain('line 3');
    expect(traceback).not.toContain('_pyodide');
  });
});

describe('running JavaScript', () => {
  it('streams console output to the other participant and stops an endless loop', async () => {
    const { interviewer, candidate } = await pair('javascript');
    const a = interviewer.page;
    const b = candidate.page;
    await replaceCode(a, 'console.log("sum", [1, 2, 3].reduce((x, y) => x + y));\nconsole.log({ a: 1, b: [2, 3] });\n');
    await a.getByRole('button', { name: 'Run JavaScript' }).click();
    await runStatus(b, /Finished in/).waitFor({ timeout: 10000 });
    expect(await programOutput(b)).toBe('sum 6\n{ a: 1, b: [ 2, 3 ] }\n');

    await replaceCode(a, 'console.log("spinning");\nwhile (true) {}\n');
    const worstGap = await startJankProbe(a);
    await a.getByRole('button', { name: 'Run JavaScript' }).click();
    await waitFor(async () => (await programOutput(b)).includes('spinning'), { what: 'the loop to start' });
    await b.getByRole('button', { name: 'Stop' }).click();
    await runStatus(a, /Stopped/).waitFor({ timeout: 5000 });
    expect(await worstGap()).toBeLessThan(500);
  });
});

describe('isolation of runs from the page that hosts them', () => {
  it('keeps code run in the interviewer\'s browser away from the network and the interviewer\'s data', async () => {
    const { interviewer, candidate } = await pair('python');
    const a = interviewer.page;
    await a.evaluate(() => localStorage.setItem('interviewer-secret', 'do-not-leak'));
    const logsBefore = server.logs.length;
    const requestsBefore = interviewer.requests.length;
    // The candidate writes it; the interviewer runs it.
    await replaceCode(
      candidate.page,
      [
        'import js',
        'for attempt in ("fetch", "storage", "document", "cookie"):',
        '    try:',
        '        if attempt == "fetch": js.fetch("/healthz?leak=1")',
        '        if attempt == "storage": print("LEAK", js.localStorage.getItem("interviewer-secret"))',
        '        if attempt == "document": print("LEAK", js.document.body.innerHTML[:50])',
        '        if attempt == "cookie": print("LEAK", js.document.cookie)',
        '    except Exception as error:',
        '        print(attempt, "blocked:", type(error).__name__)',
        '',
      ].join('\n'),
    );
    await a.getByRole('button', { name: 'Run Python' }).click();
    await runStatus(a, /Finished in|Failed/).waitFor({ timeout: 30000 });
    const text = await programOutput(a);
    expect(text).not.toContain('LEAK');
    expect(text).not.toContain('do-not-leak');
    const leaked = [...interviewer.requests.slice(requestsBefore)].filter((url) => url.includes('leak'));
    expect(leaked).toEqual([]);
    const served = () => server.logs.slice(logsBefore).filter((line) => line.event === 'http-request').map((line) => line.path);
    expect(served()).not.toContain('/healthz');
    // The request log works: a request made on purpose shows up in it.
    await fetch(`${server.url}/healthz`);
    await waitFor(() => served().includes('/healthz'), { what: 'the control request in the log' });
  });
});
