/**
 * On-demand benchmark of the code runners, in real Chromium against the built
 * server: how long until a runtime is ready (cold and warm), and how long from
 * pressing Run to the first output line on both participants' screens.
 * Not part of the tests; see docs/performance.md ("Runners").
 *
 *   pnpm build && pnpm bench:runners [--reps 5]      (or BENCH_REPS=5)
 */
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  launchPersistentChromium,
  makeTempDir,
  removeDir,
  startServer,
  waitFor,
  type ServerProcess,
} from '@interview/test-support';
import type { Page } from 'playwright-core';
import { createRoomByApi, editorText, joinAs, replaceCode } from '../apps/web/e2e/room-page.js';
import { installProbe, PROBE_KEY, type PageProbe } from './page-probe.js';

type Language = 'python' | 'javascript';
const LABEL: Record<Language, string> = { python: 'Python', javascript: 'JavaScript' };
const PRINT: Record<Language, (text: string) => string> = {
  python: (text) => `print("${text}")\n`,
  javascript: (text) => `console.log("${text}");\n`,
};
/** Only bounds a failure: a cold Pyodide boot on a loaded 2-core machine can take many seconds. */
const TIMEOUT_MS = 60_000;

/** From the product spec; cold loads have none. */
const TARGET_MS = { warmReady: 1500, outputOwnScreen: 50, outputOtherScreen: 100 };

const repoRoot = resolve(fileURLToPath(import.meta.url), '../..');

/** The benchmark measures what operators run, so it needs the build and does not make it. */
function requireBuild(): void {
  const artefacts = [
    'apps/server/dist/main.js',
    'apps/web/dist/index.html',
    'packages/runner-python/dist/harness.html',
    'packages/runner-js/dist/harness.html',
  ];
  const missing = artefacts.filter((path) => !existsSync(join(repoRoot, path)));
  if (missing.length > 0) {
    console.error(`bench:runners needs the build, and these are missing:\n  ${missing.join('\n  ')}\nRun "pnpm build" first.`);
    process.exit(1);
  }
}

function repetitions(): number {
  const { values } = parseArgs({ options: { reps: { type: 'string' } } });
  const raw = values.reps ?? process.env.BENCH_REPS ?? '5';
  const reps = Number(raw);
  if (!Number.isInteger(reps) || reps < 1) throw new RangeError(`repetitions must be a positive integer, got "${raw}"`);
  return reps;
}

/** A Chromium with its own profile on disk (so the HTTP cache persists), the probe in every document. */
async function openProfile(): Promise<{ page: Page; close(): Promise<void> }> {
  const dir = makeTempDir('runner-bench-profile-');
  const context = await launchPersistentChromium(dir);
  await context.addInitScript(installProbe, PROBE_KEY);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    page,
    async close() {
      await context.close();
      removeDir(dir);
    },
  };
}

const readProbe = (page: Page): Promise<PageProbe> =>
  page.evaluate((key) => (window as unknown as Record<string, PageProbe>)[key]!, PROBE_KEY);

async function waitForReady(page: Page): Promise<PageProbe> {
  const probe = await waitFor(
    async () => {
      const probe = await readProbe(page);
      return probe.readyAt !== null || probe.failed !== null ? probe : null;
    },
    { timeoutMs: TIMEOUT_MS, what: 'the run bar to say the runtime is ready' },
  );
  if (probe.failed !== null) throw new Error(`runtime failed to load: ${probe.failed}`);
  return probe;
}

interface ReadySamples {
  cold: number[];
  warm: number[];
  /** Warm: navigation start → last byte of the runtime files in the host page; the rest of `warm` is boot in the sandbox. */
  warmFilesInHand: number[];
  /**
   * Requests for Python runtime files the server answered: cold loads must
   * make them (which shows the count works), warm reloads should make none.
   */
  coldRuntimeRequests: number;
  warmRuntimeRequests: number;
}

/** The Python runtime's files, matched by name: the request log may drop a router's mount path (/pyodide/<version>). */
const RUNTIME_FILE = /\/(pyodide\.mjs|pyodide\.asm\.mjs|pyodide\.asm\.wasm|python_stdlib\.zip|pyodide-lock\.json)$/;

const runtimeRequests = (server: ServerProcess, from: number): number =>
  server.logs.slice(from).filter((line) => line.event === 'http-request' && RUNTIME_FILE.test(String(line.path))).length;

/** When the host page had the last byte of the Python runtime (resource timing, ms since navigation start). */
const runtimeFilesInHand = (page: Page): Promise<number> =>
  page.evaluate(() => {
    const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    return Math.max(0, ...entries.filter((entry) => entry.name.includes('/pyodide/')).map((entry) => entry.responseEnd));
  });

/**
 * Cold: a fresh profile, from the click on "Join room" (the app is loaded,
 * the runtime not) to ready. Warm: the same profile reloaded, from the
 * navigation start (performance.timeOrigin) to ready.
 */
async function measureReady(server: ServerProcess, language: Language, reps: number): Promise<ReadySamples> {
  const samples: ReadySamples = { cold: [], warm: [], warmFilesInHand: [], coldRuntimeRequests: 0, warmRuntimeRequests: 0 };
  for (let rep = 0; rep < reps; rep++) {
    const room = await createRoomByApi(server.url, `Bench ready ${language} ${rep}`, language);
    const profile = await openProfile();
    try {
      let logsBefore = server.logs.length;
      await joinAs(profile.page, room.candidateUrl, 'Bench');
      const cold = await waitForReady(profile.page);
      if (cold.joinClickAt === null) throw new Error('the click on "Join room" was not seen by the page probe');
      samples.cold.push(cold.readyAt! - cold.joinClickAt);
      samples.coldRuntimeRequests += runtimeRequests(server, logsBefore);

      logsBefore = server.logs.length;
      await profile.page.reload();
      samples.warm.push((await waitForReady(profile.page)).readyAt!);
      samples.warmRuntimeRequests += runtimeRequests(server, logsBefore);
      if (language === 'python') samples.warmFilesInHand.push(await runtimeFilesInHand(profile.page));
    } finally {
      await profile.close();
    }
  }
  return samples;
}

interface RunSamples {
  ownScreen: number[];
  otherScreen: number[];
  /** How far the two pages' shared clocks disagree, in ms (see clockOffset). */
  clockSkew: number;
  userAgent: string;
}

/** The page's shared clock (timeOrigin + now) minus Date.now(), averaged so Date.now()'s 1 ms steps cancel out. */
const clockOffset = (page: Page): Promise<number> =>
  page.evaluate(() => {
    let sum = 0;
    for (let i = 0; i < 1000; i++) sum += performance.timeOrigin + performance.now() - Date.now();
    return sum / 1000;
  });

/**
 * One participant runs a one-line print, both watch the output. A first,
 * unmeasured run warms the runtime (Pyodide's first call is slower).
 */
async function measureRuns(server: ServerProcess, language: Language, reps: number): Promise<RunSamples> {
  const room = await createRoomByApi(server.url, `Bench run ${language}`, language);
  const runner = await openProfile();
  const watcher = await openProfile();
  try {
    await joinAs(runner.page, room.interviewerUrl, 'Runner');
    await joinAs(watcher.page, room.candidateUrl, 'Watcher');
    // Both pages boot the room's runtime; wait until neither is busy with that.
    await waitForReady(runner.page);
    await waitForReady(watcher.page);
    const clockSkew = (await clockOffset(watcher.page)) - (await clockOffset(runner.page));

    const userAgent = await runner.page.evaluate(() => navigator.userAgent);
    const samples: RunSamples = { ownScreen: [], otherScreen: [], clockSkew, userAgent };
    for (let rep = 0; rep <= reps; rep++) {
      // A new text each time: the previous run's output stays on screen until the next one starts.
      const token = `x${rep}`;
      const code = PRINT[language](token);
      await replaceCode(runner.page, code);
      // Let the edit reach the watcher first, so the run does not share the socket with it.
      await waitFor(async () => (await editorText(watcher.page)) === code, { what: 'the edit on the other screen' });
      for (const page of [runner.page, watcher.page]) {
        await page.evaluate(
          ({ key, text }) => {
            const probe = (window as unknown as Record<string, PageProbe>)[key]!;
            Object.assign(probe, { expect: text, outputAt: null, runClickAt: null });
          },
          { key: PROBE_KEY, text: token },
        );
      }
      await runner.page.getByRole('button', { name: `Run ${LABEL[language]}` }).click();
      const [own, other] = await waitFor(
        async () => {
          const probes = await Promise.all([readProbe(runner.page), readProbe(watcher.page)]);
          return probes.every((probe) => probe.outputAt !== null) ? probes : null;
        },
        { timeoutMs: TIMEOUT_MS, what: `"${token}" on both screens` },
      );
      if (own.runClickAt === null) throw new Error('the click on Run was not seen by the page probe');
      // The next run can start only once this one has finished everywhere.
      for (const page of [runner.page, watcher.page]) {
        await page
          .getByRole('region', { name: 'Output' })
          .getByRole('status')
          .filter({ hasText: /Finished in/ })
          .waitFor({ timeout: TIMEOUT_MS });
      }
      if (rep === 0) continue;
      samples.ownScreen.push(own.outputAt! - own.runClickAt);
      samples.otherScreen.push(other.outputAt! - own.runClickAt);
    }
    return samples;
  } finally {
    await runner.close();
    await watcher.close();
  }
}

interface Row {
  metric: string;
  samples: number[];
  targetMs: number | null;
}

function printTable(rows: Row[]): void {
  const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
  const header = ['metric', 'n', 'median ms', 'min ms', 'max ms', 'target', 'met'];
  const lines = rows.map(({ metric, samples, targetMs }) => {
    const sorted = [...samples].sort((a, b) => a - b);
    const mid = sorted.length / 2;
    const median = sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    return [
      metric,
      String(sorted.length),
      fmt(median),
      fmt(sorted[0]!),
      fmt(sorted.at(-1)!),
      targetMs === null ? '—' : `< ${targetMs} ms`,
      targetMs === null ? '' : median < targetMs ? 'yes' : 'NO',
    ];
  });
  const widths = header.map((_, column) => Math.max(...[header, ...lines].map((cells) => cells[column]!.length)));
  // Names left-aligned, figures right-aligned.
  const pad = (cell: string, column: number) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!));
  for (const cells of [header, widths.map((width) => '-'.repeat(width)), ...lines]) {
    console.log(cells.map(pad).join('  '));
  }
}

/** The machine is shared and noisy: every figure is printed with the load it was taken under. */
function machine(): string {
  const cores = cpus();
  const load = loadavg()
    .map((value) => value.toFixed(2))
    .join(' / ');
  return `${cores.length} CPUs (${cores[0]?.model ?? 'unknown'}), load average 1/5/15 min: ${load}`;
}

async function main(): Promise<void> {
  requireBuild();
  const reps = repetitions();
  console.log(`Runners benchmark, ${new Date().toISOString()}, ${reps} repetitions, Node ${process.version}`);
  console.log(`before: ${machine()}`);
  // Debug logging records each HTTP request: it shows whether a warm reload fetched the runtime again.
  const server = await startServer({ env: { LOG_LEVEL: 'debug' } });
  try {
    const rows: Row[] = [];
    const notes: string[] = [];
    for (const language of ['python', 'javascript'] as const) {
      const ready = await measureReady(server, language, reps);
      const name = `${LABEL[language]} ready`;
      rows.push({ metric: `${name}, cold (join → ready)`, samples: ready.cold, targetMs: null });
      rows.push({ metric: `${name}, warm (reload → ready)`, samples: ready.warm, targetMs: TARGET_MS.warmReady });
      if (language === 'python') {
        rows.push({ metric: '  of which: reload → runtime files in hand', samples: ready.warmFilesInHand, targetMs: null });
        const { coldRuntimeRequests: cold, warmRuntimeRequests: warm } = ready;
        notes.push(`Python runtime files the server sent: ${cold} for ${reps} cold loads, ${warm} for ${reps} warm reloads`);
      }
    }
    for (const language of ['python', 'javascript'] as const) {
      const runs = await measureRuns(server, language, reps);
      const name = `${LABEL[language]} run → first output`;
      rows.push({ metric: `${name}, own screen`, samples: runs.ownScreen, targetMs: TARGET_MS.outputOwnScreen });
      rows.push({ metric: `${name}, other screen`, samples: runs.otherScreen, targetMs: TARGET_MS.outputOtherScreen });
      const skew = runs.clockSkew.toFixed(2).replace(/^-(0\.00)$/, '$1');
      notes.push(`${LABEL[language]} runs: other screen's clock minus runner's clock: ${skew} ms`);
      if (language === 'python') notes.push(`browser: ${runs.userAgent}`);
    }
    console.log();
    printTable(rows);
    console.log();
    for (const note of notes) console.log(note);
    console.log(`after: ${machine()}`);
  } finally {
    await server.stop();
    removeDir(server.dataDir);
  }
}

await main();
