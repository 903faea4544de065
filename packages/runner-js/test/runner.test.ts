import { inspect as nodeInspect } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startServer, type ServerProcess } from '@interview/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HARNESS_CSP, OUTPUT_LIMIT_CHARS, PROTOCOL_VERSION, TRUNCATION_NOTICE } from '../src/index.js';
import { allText, coalesce, installDriver, streamText, type RunResult } from './page-driver.js';
import {
  assertHarnessBuilt,
  bundleClient,
  ISOLATION_HEADERS,
  openRunnerPage,
  startRecordingProxy,
  TEST_PAGE_PATH,
  type PageEvents,
  type Recorder,
  type RecordingProxy,
} from './support.js';

let server: ServerProcess;
let proxy: RecordingProxy;
let browser: Browser;
let page: Page;
let events: PageEvents;
let harnessHeaders: Record<string, string> = {};

beforeAll(async () => {
  assertHarnessBuilt();
  const clientBundle = await bundleClient();
  server = await startServer();
  proxy = await startRecordingProxy(server.port);
  browser = await launchChromium();
  ({ page, events } = await openRunnerPage(browser, proxy, clientBundle));
  page.on('response', (response) => {
    if (response.url().endsWith('/runner/javascript.html')) harnessHeaders = response.headers();
  });
  await page.evaluate(installDriver, {});
  await page.evaluate(() => window.driver.runner.preload());
});

afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await server?.stop();
});

function run(code: string, timeoutMs?: number): Promise<RunResult> {
  return page.evaluate(({ code, timeoutMs }) => window.driver.result(window.driver.start(code, timeoutMs)), { code, timeoutMs });
}

/** The run's output as (stream, line) pairs, in order. */
function lines(result: RunResult): Array<[string, string]> {
  return coalesce(result.output).flatMap(([stream, text]) =>
    text
      .replace(/\n$/, '')
      .split('\n')
      .map((line): [string, string] => [stream, line]),
  );
}

describe('the sandbox frame', () => {
  it('is an <iframe sandbox="allow-scripts"> from the server, under the harness CSP', async () => {
    const frame = await page.evaluate(() => {
      const frames = [...document.querySelectorAll('iframe')];
      return frames.map((f) => ({ sandbox: f.getAttribute('sandbox'), src: f.src, csp: f.getAttribute('csp') }));
    });
    expect(frame).toHaveLength(1);
    expect(frame[0]!.sandbox).toBe('allow-scripts');
    expect(new URL(frame[0]!.src).pathname).toBe('/runner/javascript.html');
    expect(harnessHeaders['content-security-policy']).toBe(HARNESS_CSP);
    expect(harnessHeaders['cross-origin-embedder-policy']).toBe('require-corp');
    expect(await page.evaluate(() => window.driver.states)).toEqual(['idle', 'loading', 'ready']);
    expect(await page.evaluate(() => window.driver.runner.state)).toEqual({ phase: 'ready' });
  });

  it('answers console.log(1 + 1) quickly', async () => {
    const result = await run('console.log(1 + 1)');
    expect(result.outcome).toMatchObject({ status: 'ok', error: null, errorLine: null });
    expect(allText(result.output)).toBe('2\n');
    expect(result.wallMs).toBeLessThan(1000);
    console.info(`console.log(1 + 1) round trip: ${result.wallMs.toFixed(1)} ms`);
  });
});

describe('console output', () => {
  it('formats each kind of value like Node, in order across stdout and stderr', async () => {
    const code = [
      'class Point { constructor(x, y) { this.x = x; this.y = y; } }',
      "const circular = { name: 'c' }; circular.self = circular;",
      "console.log('plain string');",
      "console.log(['quoted', 'inside']);",
      'console.log(42, -0, 1.5, 12345678901234567890n);',
      "console.log(Symbol('s'), undefined, null, true);",
      'console.log(function greet() {}, () => {}, class Foo {});',
      'console.log({ a: 1, nested: { b: { c: { d: 1 } } } });',
      "console.log(new Map([['k', 1]]), new Set([1, 2]));",
      'console.log(new Date(0), /re+/g);',
      'console.log(new Point(1, 2));',
      'console.log(circular);',
      "console.warn('a warning');",
      'console.log(new Uint8Array([1, 2, 3]));',
      'console.log(Array.from({ length: 120 }, (_, i) => i));',
      "console.error(new TypeError('logged error'));",
      "console.info('info'); console.debug('debug');",
      "console.log('%s is %d years', 'Ada', 36);",
      'console.table([{ a: 1, b: 2 }, { a: 3, b: 4 }]);',
    ].join('\n');
    const result = await run(code);
    expect(result.outcome.status).toBe('ok');

    const longArray = nodeInspect(Array.from({ length: 120 }, (_, i) => i));
    const table = [
      '┌─────────┬───┬───┐',
      '│ (index) │ a │ b │',
      '├─────────┼───┼───┤',
      '│ 0       │ 1 │ 2 │',
      '│ 1       │ 3 │ 4 │',
      '└─────────┴───┴───┘',
    ];
    const expected: Array<[string, string]> = [
      ['stdout', 'plain string'],
      ['stdout', "[ 'quoted', 'inside' ]"],
      ['stdout', '42 -0 1.5 12345678901234567890n'],
      ['stdout', 'Symbol(s) undefined null true'],
      ['stdout', '[Function: greet] [Function (anonymous)] [class Foo]'],
      ['stdout', '{ a: 1, nested: { b: { c: [Object] } } }'],
      ['stdout', "Map(1) { 'k' => 1 } Set(2) { 1, 2 }"],
      ['stdout', '1970-01-01T00:00:00.000Z /re+/g'],
      ['stdout', 'Point { x: 1, y: 2 }'],
      ['stdout', "<ref *1> { name: 'c', self: [Circular *1] }"],
      ['stderr', 'a warning'],
      ['stdout', 'Uint8Array(3) [ 1, 2, 3 ]'],
      ...longArray.split('\n').map((line): [string, string] => ['stdout', line]),
      ['stderr', 'TypeError: logged error'],
      ['stderr', '    at main.js:16:15'],
      ['stdout', 'info'],
      ['stdout', 'debug'],
      ['stdout', 'Ada is 36 years'],
      ...table.map((line): [string, string] => ['stdout', line]),
    ];
    expect(lines(result)).toEqual(expected);
    expect(longArray).toContain('... 20 more items');
  });

  it('maps the stack of a logged error to user lines, without prelude frames', async () => {
    const result = await run(['function inner() {', "  return new Error('deep');", '}', 'console.log(inner());'].join('\n'));
    expect(allText(result.output)).toBe('Error: deep\n    at inner (main.js:2:10)\n    at main.js:4:13\n');
  });

  it('prints console.trace, assert, count, group and time', async () => {
    const code = [
      "console.group('outer');",
      "console.log('indented');",
      'console.groupEnd();',
      "console.count(); console.count(); console.count('x');",
      "console.assert(1 === 2, 'math is broken');",
      "console.time('t'); console.timeEnd('t');",
      "console.trace('here');",
    ].join('\n');
    const result = await run(code);
    const text = lines(result);
    expect(text.slice(0, 6)).toEqual([
      ['stdout', 'outer'],
      ['stdout', '  indented'],
      ['stdout', 'default: 1'],
      ['stdout', 'default: 2'],
      ['stdout', 'x: 1'],
      ['stderr', 'Assertion failed: math is broken'],
    ]);
    expect(text[6]![1]).toMatch(/^t: \d+(\.\d+)?ms$/);
    expect(text.slice(7)).toEqual([
      ['stderr', 'Trace: here'],
      ['stderr', '    at main.js:7:9'],
    ]);
  });
});

describe('the life of a run', () => {
  it('supports top-level await', async () => {
    const code = [
      'const value = await new Promise((resolve) => setTimeout(() => resolve(42), 50));',
      "console.log('awaited', value);",
      'console.log(await Promise.all([1, Promise.resolve(2)]));',
    ].join('\n');
    const result = await run(code);
    expect(result.outcome.status).toBe('ok');
    expect(allText(result.output)).toBe('awaited 42\n[ 1, 2 ]\n');
  });

  it('lasts while timers are pending and ends when the interval is cleared', async () => {
    const code = [
      'let n = 0;',
      'const id = setInterval(() => {',
      '  n++;',
      "  console.log('tick', n);",
      '  if (n === 3) clearInterval(id);',
      '}, 20);',
      "setTimeout(() => console.log('timeout fired'), 150);",
      "console.log('top level done');",
    ].join('\n');
    const result = await run(code);
    expect(result.outcome.status).toBe('ok');
    expect(allText(result.output)).toBe('top level done\ntick 1\ntick 2\ntick 3\ntimeout fired\n');
    expect(result.outcome.durationMs).toBeGreaterThanOrEqual(140);
    expect(result.wallMs).toBeLessThan(1500);
  });

  it('ends once a cleared timeout leaves nothing pending', async () => {
    const result = await run("const id = setTimeout(() => console.log('never'), 60_000);\nclearTimeout(id);\nconsole.log('done');");
    expect(result.outcome.status).toBe('ok');
    expect(allText(result.output)).toBe('done\n');
    expect(result.wallMs).toBeLessThan(1000);
  });

  it('offers crypto.randomUUID although a sandboxed worker is not a secure context', async () => {
    const result = await run('console.log(self.isSecureContext, crypto.randomUUID(), crypto.getRandomValues(new Uint8Array(2)).length);');
    expect(allText(result.output)).toMatch(/^false [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12} 2\n$/);
  });

  it('gives every run a fresh global scope', async () => {
    const first = await run("globalThis.leftover = 42;\nvar declared = 1;\nconsole.log(typeof leftover, typeof declared);");
    expect(allText(first.output)).toBe('number number\n');
    const second = await run('console.log(typeof leftover, typeof declared);');
    expect(allText(second.output)).toBe('undefined undefined\n');
  });
});

describe('errors', () => {
  it('reports an uncaught error with the user line and a clean stack', async () => {
    const code = ['function inner() {', "  throw new Error('deep');", '}', 'function outer() { inner(); }', "console.log('before');", 'outer();'].join(
      '\n',
    );
    const result = await run(code);
    expect(result.outcome.status).toBe('error');
    expect(result.outcome.errorLine).toBe(2);
    expect(result.outcome.error).toBe('Error: deep\n    at inner (main.js:2:9)\n    at outer (main.js:4:20)\n    at main.js:6:1');
    expect(allText(result.output)).toBe('before\n');
  });

  it('reports a TypeError from a built-in call', async () => {
    const result = await run('const a = 1;\nconst b = null;\nb.field;');
    expect(result.outcome).toMatchObject({ status: 'error', errorLine: 3 });
    expect(result.outcome.error).toBe("TypeError: Cannot read properties of null (reading 'field')\n    at main.js:3:3");
  });

  it('reports an error thrown in a timer callback', async () => {
    const result = await run("console.log('start');\nsetTimeout(() => {\n  throw new RangeError('in timer');\n}, 10);");
    expect(result.outcome).toMatchObject({ status: 'error', errorLine: 3 });
    expect(result.outcome.error).toMatch(/^RangeError: in timer\n {4}at main\.js:3:9$/);
  });

  it('reports an unhandled rejection as the last statement', async () => {
    const result = await run("console.log('before');\nPromise.reject(new Error('nope'));");
    expect(result.outcome).toMatchObject({ status: 'error', errorLine: 2 });
    expect(result.outcome.error).toBe('Error: nope\n    at main.js:2:16');
  });

  it('never ends a run as ok before its last unhandled rejection is reported', async () => {
    // The run ends when nothing is pending; the rejection event comes a task later. 60 tries of each shape.
    const shapes = [
      "Promise.reject(new Error('r'));",
      "(async () => { throw new Error('r'); })();",
      "await null;\nPromise.reject(new Error('r'));",
      "setTimeout(() => { Promise.reject(new Error('r')); });",
    ];
    const statuses = await page.evaluate(async (shapes) => {
      const seen: string[] = [];
      for (let i = 0; i < 60; i++) {
        for (const code of shapes) {
          const result = await window.driver.result(window.driver.start(code));
          seen.push(result.outcome.status);
        }
      }
      return seen;
    }, shapes);
    expect(new Set(statuses)).toEqual(new Set(['error']));
  });

  it('reports a rejection of an async function nobody awaited', async () => {
    const code = ['async function later() {', '  await null;', "  throw new SyntaxError('async');", '}', 'later();'].join('\n');
    const result = await run(code);
    expect(result.outcome).toMatchObject({ status: 'error', errorLine: 3 });
    expect(result.outcome.error).toBe('SyntaxError: async\n    at later (main.js:3:9)');
  });

  it('reports a syntax error with the line and a caret', async () => {
    const result = await run('const fine = 1;\nconst broken = ;\n');
    expect(result.outcome).toMatchObject({ status: 'error', errorLine: 2 });
    expect(result.outcome.error).toBe("main.js:2\nconst broken = ;\n               ^\n\nSyntaxError: Unexpected token ';'");
  });

  it('reports a block left open as the end of input, not as the wrapper', async () => {
    const result = await run('function open() {\n  console.log(1);\n');
    expect(result.outcome).toMatchObject({ status: 'error', errorLine: 3 });
    expect(result.outcome.error).toBe('main.js:3\n\n\nSyntaxError: Unexpected end of input');
  });

  it('reports a stray closing brace on its line', async () => {
    const result = await run('console.log(1);\n}\nconsole.log(2);');
    expect(result.outcome).toMatchObject({ status: 'error', errorLine: 2 });
    expect(result.outcome.error).toBe("main.js:2\n}\n^\n\nSyntaxError: Unexpected token '}'");
  });

  it('reports a thrown non-error value', async () => {
    const result = await run("throw 'plain';");
    expect(result.outcome).toMatchObject({ status: 'error', error: "Uncaught 'plain'" });
  });

  it('never shows blob: URLs or prelude frames', async () => {
    const snippets = [
      "throw new Error('top');",
      "await null; throw new Error('after await');",
      "setTimeout(() => { throw new Error('timer'); });",
      "Promise.reject(new Error('rejected'));",
      "[1].map(() => { throw new Error('in map'); });",
      "console.log(new Error('logged'));",
      'JSON.parse("{");',
    ];
    for (const code of snippets) {
      const result = await run(code);
      const text = `${result.outcome.error ?? ''}${allText(result.output)}`;
      expect(text, code).not.toMatch(/blob:|<runner>/);
      expect(text, code).toMatch(/main\.js:1:\d+/);
    }
  });
});

describe('endless loops, stop and time limit', () => {
  it('keeps the page responsive during while(true){} and stops within a second', async () => {
    const report = await page.evaluate(async () => {
      const { driver } = window;
      driver.startTicker();
      const runId = driver.start("console.log('before the loop');\nwhile (true) {}", 60_000);
      await driver.waitForOutput(runId, 'before the loop');
      const ticksAtLoop = 0;
      await driver.waitForTicks(ticksAtLoop + 100);
      const stopAt = performance.now();
      driver.stop(runId);
      const result = await driver.result(runId);
      const stopMs = performance.now() - stopAt;
      return { result, stopMs, ticker: driver.stopTicker() };
    });
    expect(report.result.outcome.status).toBe('stopped');
    expect(allText(report.result.output)).toBe('before the loop\n');
    expect(report.stopMs).toBeLessThan(1000);
    expect(report.ticker.maxGapMs).toBeLessThan(200);
    console.info(`while(true): page timer max gap ${report.ticker.maxGapMs.toFixed(1)} ms, stop took ${report.stopMs.toFixed(1)} ms`);
    const next = await run("console.log('next run')");
    expect(next.outcome.status).toBe('ok');
    expect(allText(next.output)).toBe('next run\n');
  });

  it('delivers every line printed just before an endless loop', async () => {
    const result = await page.evaluate(async () => {
      const runId = window.driver.start("for (let i = 1; i <= 20; i++) console.log('line', i);\nwhile (true) {}", 60_000);
      await window.driver.waitForOutput(runId, 'line 20\n');
      window.driver.stop(runId);
      return window.driver.result(runId);
    });
    expect(result.outcome.status).toBe('stopped');
    expect(allText(result.output)).toBe(Array.from({ length: 20 }, (_, i) => `line ${i + 1}\n`).join(''));
  });

  it('ends an endless loop with "timeout" at the time limit', async () => {
    const result = await run('while (true) {}', 1000);
    expect(result.outcome.status).toBe('timeout');
    expect(result.wallMs).toBeGreaterThanOrEqual(995);
    expect(result.wallMs).toBeLessThan(2000);
    const next = await run("console.log('after timeout')");
    expect(allText(next.output)).toBe('after timeout\n');
  });

  it('ends a program waiting on an endless interval with "timeout"', async () => {
    const result = await run("setInterval(() => {}, 10);\nconsole.log('waiting');", 500);
    expect(result.outcome.status).toBe('timeout');
    expect(allText(result.output)).toBe('waiting\n');
  });

  it('stops a sleeping program', async () => {
    const result = await page.evaluate(async () => {
      const runId = window.driver.start("console.log('sleeping');\nawait new Promise((r) => setTimeout(r, 60_000));", 120_000);
      await window.driver.waitForOutput(runId, 'sleeping');
      window.driver.stop(runId);
      return window.driver.result(runId);
    });
    expect(result.outcome.status).toBe('stopped');
    expect(result.wallMs).toBeLessThan(2000);
  });
});

describe('print storms', () => {
  it('keeps the page responsive and truncates an endless print loop with one notice', async () => {
    const report = await page.evaluate(async () => {
      const { driver } = window;
      driver.startTicker();
      const runId = driver.start('let i = 0;\nfor (;;) console.log(i++);', 3000);
      const result = await driver.result(runId);
      return { result, ticker: driver.stopTicker(), messages: result.output.length };
    });
    const { result, ticker } = report;
    expect(result.outcome.status).toBe('timeout');
    const text = allText(result.output);
    const notice = `${TRUNCATION_NOTICE}\n`;
    expect(text.endsWith(notice)).toBe(true);
    expect(text.split(TRUNCATION_NOTICE)).toHaveLength(2);
    expect(text.length).toBeLessThanOrEqual(OUTPUT_LIMIT_CHARS + notice.length + 1);
    expect(text.length).toBeGreaterThan(OUTPUT_LIMIT_CHARS);
    expect(text.startsWith('0\n1\n2\n3\n')).toBe(true);
    expect(result.output[result.output.length - 1]![0]).toBe('stderr');
    expect(ticker.maxGapMs).toBeLessThan(200);
    // Batched: a bounded number of deliveries, not one per log.
    expect(report.messages).toBeLessThan(1000);
    console.info(
      `print storm: ${report.messages} deliveries, page timer max gap ${ticker.maxGapMs.toFixed(1)} ms, ${(text.length / 1e6).toFixed(2)} M chars`,
    );
  });

  it('delivers 100k logs completely and in order, batched', async () => {
    const report = await page.evaluate(async () => {
      const { driver } = window;
      driver.startTicker();
      const runId = driver.start('for (let i = 0; i < 100000; i++) console.log(i);');
      const result = await driver.result(runId);
      return { result, ticker: driver.stopTicker() };
    });
    const { result, ticker } = report;
    expect(result.outcome.status).toBe('ok');
    const text = streamText(result.output, 'stdout');
    const printed = text.split('\n');
    expect(printed).toHaveLength(100001);
    expect(printed[0]).toBe('0');
    expect(printed[99999]).toBe('99999');
    expect(printed.every((line, i) => i === 100000 || line === String(i))).toBe(true);
    expect(result.output.length).toBeLessThan(500);
    expect(ticker.maxGapMs).toBeLessThan(200);
    console.info(
      `100k logs: ${result.wallMs.toFixed(0)} ms, ${result.output.length} deliveries, page timer max gap ${ticker.maxGapMs.toFixed(1)} ms`,
    );
  });

  it('keeps stdout and stderr interleaved in order under load', async () => {
    const result = await run("for (let i = 0; i < 2000; i++) { if (i % 3 === 0) console.error('e' + i); else console.log('o' + i); }");
    const got = lines(result);
    expect(got).toHaveLength(2000);
    got.forEach(([stream, line], i) => {
      expect([stream, line]).toEqual(i % 3 === 0 ? ['stderr', `e${i}`] : ['stdout', `o${i}`]);
    });
  });
});

describe('a harness that stops answering', () => {
  it('is replaced by a new frame, and the run still ends within a second', async () => {
    const fakePath = '/__runner-js-test__/unresponsive.html';
    proxy.fixtures.set(fakePath, {
      headers: { ...ISOLATION_HEADERS, 'Content-Security-Policy': HARNESS_CSP, 'Content-Type': 'text/html' },
      // Says it is ready, then never answers; tells the test (not the runner) that a run arrived.
      body: `<!doctype html><script>
        addEventListener('message', (event) => parent.postMessage({ type: 'test:received', what: event.data.type }, '*'));
        parent.postMessage({ type: 'ready', version: ${PROTOCOL_VERSION} }, '*');
      </script>`,
    });
    const report = await page.evaluate(async (harnessUrl) => {
      const host = document.createElement('div');
      host.hidden = true;
      document.body.append(host);
      const runner = new window.RunnerJs.JavaScriptRunner({ container: host, harnessUrl, stopGraceMs: 300 });
      await runner.preload();
      const firstFrame = host.querySelector('iframe');
      const received = new Promise<void>((resolve) => {
        window.addEventListener('message', function onMessage(event) {
          if (event.source === firstFrame!.contentWindow && event.data?.what === 'run') {
            window.removeEventListener('message', onMessage);
            resolve();
          }
        });
      });
      const running = runner.run({ runId: 'stuck', code: 'while (true) {}', timeoutMs: 60_000 }, { onOutput() {} });
      await received;
      const stopAt = performance.now();
      runner.stop('stuck');
      const outcome = await running;
      const stopMs = performance.now() - stopAt;
      await runner.preload();
      const frames = host.querySelectorAll('iframe');
      const replaced = frames.length === 1 && frames[0] !== firstFrame && !firstFrame!.isConnected;
      const timedOut = await runner.run({ runId: 'stuck-2', code: '', timeoutMs: 200 }, { onOutput() {} });
      runner.dispose();
      return { outcome, stopMs, replaced, timedOut, left: host.querySelectorAll('iframe').length };
    }, fakePath);
    expect(report.outcome.status).toBe('stopped');
    expect(report.stopMs).toBeGreaterThanOrEqual(290);
    expect(report.stopMs).toBeLessThan(1000);
    expect(report.replaced).toBe(true);
    expect(report.timedOut.status).toBe('timeout');
    expect(report.left).toBe(0);
  });

  it('refuses a harness served without the sandbox policy', async () => {
    const fakePath = '/__runner-js-test__/no-csp.html';
    proxy.fixtures.set(fakePath, {
      headers: { ...ISOLATION_HEADERS, 'Content-Type': 'text/html' },
      body: `<!doctype html><script>parent.postMessage({ type: 'ready', version: ${PROTOCOL_VERSION} }, '*');</script>`,
    });
    const state = await page.evaluate(async (harnessUrl) => {
      const host = document.createElement('div');
      document.body.append(host);
      const runner = new window.RunnerJs.JavaScriptRunner({ container: host, harnessUrl, loadTimeoutMs: 1500 });
      const loaded = await runner.preload().then(
        () => 'ready',
        (error: Error) => error.message,
      );
      runner.dispose();
      return loaded;
    }, fakePath);
    expect(state).toMatch(/did not report ready/);
  });

  it('still serves the test page from the proxy (sanity)', () => {
    expect(proxy.requests.some((request) => request.url === '/runner/javascript.html')).toBe(true);
    expect(events.requests.some((url) => url.endsWith(TEST_PAGE_PATH))).toBe(true);
  });
});
