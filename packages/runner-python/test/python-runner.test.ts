import { launchChromium } from '@interview/test-support';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDriverPage, startAppServer, type AppServer } from './support/environment.js';
import { finishRun, loadingPhases, outputOf, runToEnd, startRun, stopAndTime, waitForOutput } from './support/runs.js';

/**
 * The Python runner against the real server in real Chromium, driven the
 * way the UI drives it: through the CodeRunner interface on a page of the
 * app (with the app's CSP), the runtime served from /pyodide/.
 */

let app: AppServer;
let browser: Browser;
let page: Page;
const timings: Record<string, number> = {};

beforeAll(async () => {
  app = await startAppServer();
  browser = await launchChromium();
  page = await (await browser.newContext()).newPage();
  await openDriverPage(page, app);
  timings.coldReadyMs = await page.evaluate(() => {
    window.pyTest.create();
    return window.pyTest.preload();
  });
});

afterAll(async () => {
  console.log(`python runner timings (ms): ${JSON.stringify(timings)}`);
  await browser?.close();
  await app?.close();
});

describe('loading', () => {
  it('reports download progress, then ready', async () => {
    const states = await page.evaluate(() => window.pyTest.states.map(({ state }) => state));
    expect(states.at(-1)).toEqual({ phase: 'ready' });
    const loading = states.filter((state) => state.phase === 'loading');
    expect(loading.length).toBeGreaterThan(2);
    const last = loading.at(-1)!;
    expect(last.phase === 'loading' && last.totalBytes).toBeGreaterThan(13_000_000);
    expect(last.phase === 'loading' && last.loadedBytes).toBe(last.phase === 'loading' ? last.totalBytes : -1);
    // Progress only moves forward.
    const loaded = loading.map((state) => (state.phase === 'loading' ? state.loadedBytes : 0));
    expect(loaded).toEqual([...loaded].sort((a, b) => a - b));
  });
});

describe('running', () => {
  it('runs hello world', async () => {
    const run = await runToEnd(page, 'hello', 'print("hello, world")');
    expect(outputOf(run)).toBe('hello, world\n');
    expect(run.outcome).toMatchObject({ status: 'ok', error: null, errorLine: null });
    timings.warmHelloRoundTripMs = Math.round(run.finishedAt! - run.startedAt);
    timings.warmFirstOutputMs = Math.round(run.events[0]!.t - run.startedAt);
  });

  it('streams output live, line by line, while the program sleeps', async () => {
    const code = 'import time\nfor i in range(5):\n    print(f"tick {i}")\n    time.sleep(0.2)\nprint("done")';
    const run = await runToEnd(page, 'stream', code);
    expect(outputOf(run)).toBe('tick 0\ntick 1\ntick 2\ntick 3\ntick 4\ndone\n');
    const ticks = run.events.filter((event) => event.text.startsWith('tick'));
    expect(ticks).toHaveLength(5);
    for (let i = 1; i < ticks.length; i++) {
      const gap = ticks[i]!.t - ticks[i - 1]!.t;
      expect(gap, `gap before tick ${i}`).toBeGreaterThan(150);
      expect(gap, `gap before tick ${i}`).toBeLessThan(400);
    }
    // The first line arrives long before the program ends.
    expect(ticks[0]!.t - run.startedAt).toBeLessThan(150);
    expect(run.finishedAt! - ticks[0]!.t).toBeGreaterThan(900);
  });

  it('keeps stdout and stderr in order', async () => {
    const code = 'import sys\nprint("out 1")\nprint("err 1", file=sys.stderr)\nprint("out 2")';
    const run = await runToEnd(page, 'order', code);
    expect(run.events.map((event) => `${event.kind}:${event.text}`)).toEqual(['stdout:out 1\n', 'stderr:err 1\n', 'stdout:out 2\n']);
  });

  it('answers input() twice: the prompt arrives before the request', async () => {
    const code = 'name = input("Name? ")\nage = int(input("Age? "))\nprint(f"{name} is {age}")';
    const run = await runToEnd(page, 'input', code, { answers: ['Ada', '36'] });
    expect(run.events.map(({ kind, text }) => [kind, text])).toEqual([
      ['stdout', 'Name? '],
      ['input-request', 'Name? '],
      ['stdout', 'Age? '],
      ['input-request', 'Age? '],
      ['stdout', 'Ada is 36\n'],
    ]);
    expect(run.outcome?.status).toBe('ok');
  });

  it('reads sys.stdin line by line as well', async () => {
    const code = 'import sys\nfirst = sys.stdin.readline()\nsecond = input()\nprint(repr(first), repr(second))';
    const run = await runToEnd(page, 'stdin', code, { answers: ['one', 'two'] });
    expect(outputOf(run)).toBe("'one\\n' 'two'\n");
  });

  it('gives each run a fresh namespace', async () => {
    await runToEnd(page, 'ns-1', 'secret = 41\ndef helper(): return 1');
    const run = await runToEnd(page, 'ns-2', 'print("secret" in globals(), "helper" in dir())\nprint(secret)');
    expect(outputOf(run)).toBe('False False\n');
    expect(run.outcome?.status).toBe('error');
    expect(run.outcome?.error).toMatch(/NameError: name 'secret' is not defined/);
    expect(run.outcome?.errorLine).toBe(2);
  });

  it('has the standard library (sqlite3 included)', async () => {
    const code = [
      'import sqlite3, zoneinfo, json, re, collections, itertools, heapq, bisect, dataclasses, datetime, decimal, fractions',
      'db = sqlite3.connect(":memory:")',
      'print(db.execute("select 6 * 7").fetchone()[0])',
      'print(decimal.Decimal("0.1") + decimal.Decimal("0.2"), fractions.Fraction(1, 3) * 3)',
    ].join('\n');
    const run = await runToEnd(page, 'stdlib', code);
    expect(run.outcome?.error ?? null).toBeNull();
    expect(outputOf(run)).toBe('42\n0.3 1\n');
  });

  it('runs asyncio programs', async () => {
    const code = 'import asyncio\nasync def main():\n    await asyncio.sleep(0.05)\n    return 7\nprint(asyncio.run(main()))';
    const run = await runToEnd(page, 'asyncio', code);
    expect(outputOf(run)).toBe('7\n');
  });
});

describe('errors', () => {
  it('shows a traceback of the user’s frames only, with the failing line', async () => {
    const code = 'def outer(x):\n    return inner(x)\n\ndef inner(x):\n    return 10 / x\n\nprint("before")\nouter(0)';
    const run = await runToEnd(page, 'traceback', code);
    expect(outputOf(run)).toBe('before\n');
    expect(run.outcome?.status).toBe('error');
    expect(run.outcome?.errorLine).toBe(5);
    const error = run.outcome!.error!;
    expect(error.startsWith('Traceback (most recent call last):\n  File "main.py", line 8, in <module>')).toBe(true);
    expect(error).toContain('File "main.py", line 5, in inner\n    return 10 / x');
    expect(error.endsWith('ZeroDivisionError: division by zero')).toBe(true);
    for (const internal of ['<runner>', '_pyodide', '/lib/python', 'pyodide.asm', 'eval_code']) expect(error).not.toContain(internal);
  });

  it('blames the user’s line when the error is raised inside the standard library', async () => {
    const run = await runToEnd(page, 'stdlib-error', 'import json\n\njson.loads("{not json")');
    expect(run.outcome?.errorLine).toBe(3);
    expect(run.outcome?.error).toMatch(/JSONDecodeError/);
    expect(run.outcome?.error).not.toContain('/lib/python');
  });

  it('reports a SyntaxError with its line', async () => {
    const run = await runToEnd(page, 'syntax', 'x = 1\nif x > 0\n    print(x)');
    expect(run.outcome).toMatchObject({ status: 'error', errorLine: 2 });
    expect(run.outcome?.error).toBe('  File "main.py", line 2\n    if x > 0\n            ^\nSyntaxError: expected \':\'');
  });

  it('says plainly that third-party packages are not available, without loader noise', async () => {
    for (const name of ['numpy', 'micropip', 'requests']) {
      const run = await runToEnd(page, `import-${name}`, `import ${name}`);
      expect(run.outcome?.status).toBe('error');
      expect(run.outcome?.errorLine).toBe(1);
      expect(run.outcome?.error).toMatch(
        new RegExp(`ModuleNotFoundError: No module named '${name}' \\(only the Python standard library is available here; third-party packages cannot be installed\\)$`),
      );
      expect(run.events, 'no output at all').toEqual([]);
      expect(run.outcome?.error).not.toMatch(/Failed to load|loadPackage|micropip\.install|pyodide/i);
    }
  });

  it('treats sys.exit(0) as success and another status as an error', async () => {
    expect((await runToEnd(page, 'exit-0', 'import sys\nprint("bye")\nsys.exit(0)\nprint("never")')).outcome?.status).toBe('ok');
    const failed = await runToEnd(page, 'exit-2', 'import sys\nsys.exit(2)');
    expect(failed.outcome).toMatchObject({ status: 'error', error: 'SystemExit: the program exited with status 2' });
  });

  it('survives a program that crashes the runtime, with a clear message, and replaces it', async () => {
    const before = await loadingPhases(page);
    const code = 'import sys\nsys.setrecursionlimit(10**6)\ndef down(n):\n    return down(n + 1)\ndown(0)';
    const run = await runToEnd(page, 'crash', code, { timeoutMs: 60_000 });
    expect(run.outcome?.status).toBe('error');
    expect(run.outcome?.error).toMatch(/^The Python runtime crashed \(RangeError: Maximum call stack size exceeded\)/);
    expect(run.outcome?.error).toMatch(/A fresh runtime has been started\.$/);
    expect(await loadingPhases(page)).toBe(before + 1);
    const next = await runToEnd(page, 'after-crash', 'print("alive")');
    expect(outputOf(next)).toBe('alive\n');
  });
});

describe('stopping', () => {
  it('stops `while True: pass` at once and keeps the runtime warm', async () => {
    const before = await loadingPhases(page);
    await startRun(page, 'busy', 'print("spinning", flush=True)\nwhile True:\n    pass');
    await waitForOutput(page, 'busy', 'spinning');
    const { run, stopToOutcomeMs } = await stopAndTime(page, 'busy');
    expect(run.outcome).toMatchObject({ status: 'stopped', error: null, errorLine: null });
    expect(stopToOutcomeMs).toBeLessThan(500);
    timings.stopBusyLoopMs = Math.round(stopToOutcomeMs);
    const next = await runToEnd(page, 'after-busy', 'print("warm")');
    expect(outputOf(next)).toBe('warm\n');
    expect(next.finishedAt! - next.startedAt).toBeLessThan(300);
    expect(await loadingPhases(page)).toBe(before);
  });

  it('stops time.sleep(100) at once and keeps the runtime warm', async () => {
    const before = await loadingPhases(page);
    await startRun(page, 'sleepy', 'import time\nprint("sleeping")\ntime.sleep(100)\nprint("woke")');
    await waitForOutput(page, 'sleepy', 'sleeping');
    const { run, stopToOutcomeMs } = await stopAndTime(page, 'sleepy');
    expect(run.outcome?.status).toBe('stopped');
    expect(outputOf(run)).toBe('sleeping\n');
    expect(stopToOutcomeMs).toBeLessThan(500);
    timings.stopSleepMs = Math.round(stopToOutcomeMs);
    expect(outputOf(await runToEnd(page, 'after-sleep', 'print("warm")'))).toBe('warm\n');
    expect(await loadingPhases(page)).toBe(before);
  });

  it('stops a program waiting for input', async () => {
    await startRun(page, 'waiting', 'input("never answered: ")');
    await waitForOutput(page, 'waiting', 'never answered: ');
    const { run, stopToOutcomeMs } = await stopAndTime(page, 'waiting');
    expect(run.outcome?.status).toBe('stopped');
    expect(stopToOutcomeMs).toBeLessThan(500);
  });

  it('falls back to a fresh worker when C-level work ignores the interrupt', async () => {
    const before = await loadingPhases(page);
    await startRun(page, 'c-loop', 'print("summing", flush=True)\nprint(sum(range(10**12)))');
    await waitForOutput(page, 'c-loop', 'summing');
    const { run, stopToOutcomeMs } = await stopAndTime(page, 'c-loop');
    expect(run.outcome).toMatchObject({ status: 'stopped', error: null });
    expect(stopToOutcomeMs).toBeGreaterThan(900);
    expect(stopToOutcomeMs).toBeLessThan(1600);
    expect(await loadingPhases(page)).toBe(before + 1);
    const next = await runToEnd(page, 'after-c-loop', 'print("fresh")');
    expect(outputOf(next)).toBe('fresh\n');
    expect(next.outcome?.status).toBe('ok');
    timings.restartAfterHardStopMs = Math.round(next.finishedAt! - next.startedAt);
  });

  it('ends a runaway program at its time limit with status "timeout"', async () => {
    const run = await runToEnd(page, 'runaway', 'while True:\n    pass', { timeoutMs: 1000 });
    expect(run.outcome?.status).toBe('timeout');
    expect(run.outcome?.error).toBe('Time limit exceeded: the program ran for more than 1 s.');
    expect(run.outcome!.durationMs).toBeGreaterThanOrEqual(1000);
    expect(run.outcome!.durationMs).toBeLessThan(1500);
  });

  it('does not count time spent waiting for the user’s input against the limit', async () => {
    await startRun(page, 'patient', 'name = input("Name? ")\nprint("hi", name)\nwhile True:\n    pass', { timeoutMs: 500 });
    await waitForOutput(page, 'patient', 'Name? ');
    // The person takes longer to type than the program may run.
    const run = await page.evaluate(async () => {
      await new Promise((resolve) => setTimeout(resolve, 800));
      window.pyTest.provideInput('patient', 'Ada');
      return window.pyTest.finish('patient');
    });
    expect(outputOf(run)).toBe('Name? hi Ada\n');
    expect(run.outcome?.status).toBe('timeout');
    expect(run.outcome!.durationMs).toBeGreaterThanOrEqual(1300);
  });

  it('ends C-level work at its time limit too (by replacing the worker)', async () => {
    const run = await runToEnd(page, 'runaway-c', 'sum(range(10**12))', { timeoutMs: 500 });
    expect(run.outcome?.status).toBe('timeout');
    expect(run.outcome!.durationMs).toBeGreaterThanOrEqual(1400);
    expect(run.outcome!.durationMs).toBeLessThan(2200);
    expect(outputOf(await runToEnd(page, 'after-runaway-c', 'print(1)'))).toBe('1\n');
  });
});

describe('output volume', () => {
  it('batches a print storm, caps it at 1 MiB with a notice, and the page stays responsive', async () => {
    await page.evaluate(() => window.pyTest.startJankProbe());
    const run = await runToEnd(page, 'storm', 'for i in range(400_000):\n    print(i)');
    const maxGap = await page.evaluate(() => window.pyTest.stopJankProbe());
    expect(run.outcome?.status).toBe('ok');
    const stdout = run.events.filter((event) => event.kind === 'stdout').map((event) => event.text).join('');
    expect(new TextEncoder().encode(stdout).length).toBeLessThanOrEqual(1024 * 1024);
    expect(stdout.startsWith('0\n1\n2\n')).toBe(true);
    expect(run.events.at(-1)).toMatchObject({ kind: 'stderr', text: expect.stringMatching(/output truncated/) as unknown });
    // ~1 MiB arrived in a few dozen batches, not hundreds of thousands of messages.
    expect(run.events.length).toBeLessThan(200);
    expect(maxGap).toBeLessThan(200);
    timings.stormEvents = run.events.length;
    timings.stormMaxPageGapMs = Math.round(maxGap);
  });

  it('keeps the page responsive while a program computes', async () => {
    await page.evaluate(() => window.pyTest.startJankProbe());
    const run = await runToEnd(page, 'compute', 'total = 0\nfor i in range(3_000_000):\n    total += i * i\nprint(total)');
    const maxGap = await page.evaluate(() => window.pyTest.stopJankProbe());
    const n = 3_000_000n;
    expect(outputOf(run)).toBe(`${((n - 1n) * n * (2n * n - 1n)) / 6n}\n`);
    expect(run.finishedAt! - run.startedAt).toBeGreaterThan(200);
    expect(maxGap).toBeLessThan(200);
    timings.computeMaxPageGapMs = Math.round(maxGap);
  });
});

describe('contract', () => {
  it('refuses a second run while one is active, and bad run ids', async () => {
    const errors = await page.evaluate(async () => {
      window.pyTest.start('first', 'import time\ntime.sleep(0.3)');
      const messages: string[] = [];
      try {
        window.pyTest.start('second', 'print(2)');
        await window.pyTest.finish('second');
      } catch (error) {
        messages.push(String(error));
      }
      try {
        window.pyTest.start('bad id!', 'print(2)');
        await window.pyTest.finish('bad id!');
      } catch (error) {
        messages.push(String(error));
      }
      await window.pyTest.finish('first');
      return messages;
    });
    expect(errors[0]).toMatch(/run "first" is still active; "second" must wait/);
    expect(errors[1]).toMatch(/RangeError: python runner: runId must be/);
    expect((await finishRun(page, 'first')).outcome?.status).toBe('ok');
  });
});

describe('lifecycle', () => {
  it('dispose() ends the active run as stopped and removes the sandbox', async () => {
    await startRun(page, 'disposed', 'import time\nprint("working")\ntime.sleep(30)');
    await waitForOutput(page, 'disposed', 'working');
    const result = await page.evaluate(async () => {
      window.pyTest.dispose();
      const run = await window.pyTest.finish('disposed');
      return { status: run.outcome?.status, frames: document.querySelectorAll('iframe').length };
    });
    expect(result).toEqual({ status: 'stopped', frames: 0 });
  });

  it('reports a runtime that cannot be downloaded, and runs then fail with that reason', async () => {
    const result = await page.evaluate(async () => {
      window.pyTest.create({ pyodideBaseUrl: '/pyodide/0.0.0/' });
      const error = await window.pyTest.preload().then(
        () => 'loaded',
        (e: unknown) => String(e),
      );
      window.pyTest.start('no-runtime', 'print(1)');
      const run = await window.pyTest.finish('no-runtime');
      const state = window.pyTest.states.at(-1)!.state;
      window.pyTest.dispose();
      return { error, outcome: run.outcome, state };
    });
    expect(result.error).toMatch(/the Python runtime file \/pyodide\/0\.0\.0\/[\w.-]+ could not be loaded \(HTTP 404\)/);
    expect(result.state).toMatchObject({ phase: 'failed', error: expect.stringMatching(/HTTP 404/) as unknown });
    expect(result.outcome).toMatchObject({ status: 'error', error: expect.stringMatching(/^The Python runtime could not be loaded: /) as unknown });
  });

  it('reports a sandbox page that does not exist', async () => {
    const error = await page.evaluate(async () => {
      window.pyTest.create({ harnessUrl: '/runner/missing.html' });
      const result = await window.pyTest.preload().then(
        () => 'loaded',
        (e: unknown) => String(e),
      );
      window.pyTest.dispose();
      return result;
    });
    expect(error).toBe('Error: the sandbox page /runner/missing.html did not start (is the runner built?)');
  });
});
