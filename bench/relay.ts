/**
 * On-demand benchmark of the relay against the Yjs reference server and a
 * bare-socket ceiling, driven by y-websocket protocol clients over loopback.
 * Not part of the tests; see docs/performance.md ("Relay").
 *
 *   pnpm build && pnpm bench:relay [--quick] [--only=relay,relay-redis,reference,ceiling] [--rows=1,2,3,4] [--rooms=1,100,500]
 *
 * Rows: 1 fan-out latency, 2 throughput, 3 join a long history, 4 memory per
 * idle room (names fanout, throughput, join, memory work too). Every
 * measurement starts its target afresh and stops it afterwards.
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { closeAllClients } from './relay/load.js';
import {
  fanOutUpdatesPerRoom,
  measureFanOut,
  measureIdleMemory,
  measureJoin,
  measureThroughput,
  warmUpJoiningClient,
  type CpuFigures,
  type FanOutResult,
  type JoinResult,
  type MemoryResult,
  type ThroughputResult,
} from './relay/rows.js';
import { TARGETS, type RunningTarget, type Target } from './relay/servers.js';
import { formatCount, formatKiB, formatMs, formatPercent, NOT_APPLICABLE, renderTable } from './relay/table.js';
import { programHistory, typingStream } from './relay/updates.js';

interface Settings {
  fanOut: { roomCounts: number[]; clientsPerRoom: number; intervalMs: number; warmupMs: number; measureMs: number };
  throughput: { updates: number; receivers: number; window: number; timeoutMs: number };
  join: { lines: number; joins: number; window: number };
  memory: { rooms: number; settleMs: number };
}

const FULL: Settings = {
  fanOut: { roomCounts: [1, 100, 500], clientsPerRoom: 3, intervalMs: 50, warmupMs: 2_000, measureMs: 10_000 },
  throughput: { updates: 60_000, receivers: 2, window: 500, timeoutMs: 120_000 },
  join: { lines: 2_000, joins: 9, window: 500 },
  memory: { rooms: 1_000, settleMs: 3_000 },
};

/** A smoke run: every code path, small counts, about a minute. */
const QUICK: Settings = {
  fanOut: { roomCounts: [1, 10, 50], clientsPerRoom: 3, intervalMs: 50, warmupMs: 1_000, measureMs: 3_000 },
  throughput: { updates: 5_000, receivers: 2, window: 500, timeoutMs: 60_000 },
  join: { lines: 200, joins: 3, window: 500 },
  memory: { rooms: 100, settleMs: 1_000 },
};

const ROWS = ['fanout', 'throughput', 'join', 'memory'] as const;
type RowName = (typeof ROWS)[number];

/** Past this, the load generator may be what limits a figure, not the server. */
const CLIENT_BOUND_PERCENT = 85;
/** The project's aim for fan-out at the largest room count: p99 within this factor of the bare-socket ceiling. */
const CEILING_FACTOR_TARGET = 3;

function options(): { settings: Settings; quick: boolean; targets: Target[]; rows: Set<RowName> } {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, rows: { type: 'string' }, rooms: { type: 'string' } },
  });
  const names = TARGETS.map((target) => target.name);
  const only = values.only?.split(',').map((name) => name.trim()).filter(Boolean);
  for (const name of only ?? []) {
    if (!names.includes(name)) throw new RangeError(`--only: unknown target "${name}"; the targets are ${names.join(', ')}`);
  }
  const rows = new Set<RowName>();
  for (const raw of (values.rows ?? ROWS.join(',')).split(',').map((row) => row.trim()).filter(Boolean)) {
    const row = /^\d+$/.test(raw) ? ROWS[Number(raw) - 1] : ROWS.find((name) => name === raw);
    if (!row) throw new RangeError(`--rows: unknown row "${raw}"; use 1-4 or ${ROWS.join(', ')}`);
    rows.add(row);
  }
  const base = values.quick ? QUICK : FULL;
  const roomCounts = values.rooms?.split(',').map((count) => Number(count.trim()));
  if (roomCounts?.some((count) => !Number.isInteger(count) || count < 1)) {
    throw new RangeError(`--rooms: expected positive whole numbers separated by commas, got "${values.rooms}"`);
  }
  return {
    settings: roomCounts ? { ...base, fanOut: { ...base.fanOut, roomCounts } } : base,
    quick: values.quick ?? false,
    targets: TARGETS.filter((target) => !only || only.includes(target.name)),
    rows,
  };
}

/** The machine is shared and noisy: every figure is printed with the load it was taken under. */
function machine(): string {
  const cores = cpus();
  const load = loadavg()
    .map((value) => value.toFixed(2))
    .join(' / ');
  return `${cores.length} CPUs (${cores[0]?.model.trim() ?? 'unknown'}), load average 1/5/15 min: ${load}`;
}

/** What the relay's temporary data folder sits on: disk or memory changes what a commit costs. */
function tmpFilesystem(): string {
  try {
    return execFileSync('stat', ['-f', '-c', '%T', tmpdir()], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

// ── Running targets, and stopping them whatever happens ─────────────────────

const running = new Set<RunningTarget>();

async function stopAll(): Promise<void> {
  closeAllClients();
  await Promise.allSettled([...running].map((target) => target.stop()));
  running.clear();
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n${signal}: stopping the servers…`);
    void stopAll().finally(() => process.exit(130));
  });
}

/**
 * A fresh instance of the target for one measurement: nothing one leaves
 * behind (rooms, a grown heap) skews the next. The load generator collects
 * its own garbage first (the script runs with --expose-gc), so that a target
 * does not pay for the previous one's garbage in the clients' pauses.
 */
async function withTarget<T>(target: Target, measure: (instance: RunningTarget) => Promise<T>): Promise<T> {
  globalThis.gc?.();
  const instance = await target.start();
  running.add(instance);
  try {
    return await measure(instance);
  } finally {
    closeAllClients();
    running.delete(instance);
    await instance.stop();
  }
}

/** One line per measurement, with the 1-minute load average it finished under. */
const progress = (text: string) => console.log(`  · ${text} [load ${loadavg()[0]!.toFixed(1)}]`);

// ── Tables ──────────────────────────────────────────────────────────────────

type Cells = Map<string, string>;

const cpuCell = ({ serverCpu, clientCpu }: CpuFigures) =>
  `${formatPercent(serverCpu)} / ${formatPercent(clientCpu)}${clientCpu > CLIENT_BOUND_PERCENT ? ' ⚠' : ''}`;

function table(title: string, targets: readonly Target[], lines: Array<[string, Cells]>): string {
  const header = [title, ...targets.map((target) => target.name)];
  return renderTable(header, lines.map(([label, cells]) => [label, ...targets.map((target) => cells.get(target.name) ?? NOT_APPLICABLE)]));
}

function cellsOf<R>(results: Map<string, R>, cell: (result: R) => string | null): Cells {
  const cells: Cells = new Map();
  for (const [name, result] of results) {
    const text = cell(result);
    if (text !== null) cells.set(name, text);
  }
  return cells;
}

// ── Main ────────────────────────────────────────────────────────────────────

async function main(): Promise<void> {
  const { settings, quick, targets, rows } = options();
  console.log(`Relay benchmark${quick ? ' (--quick)' : ''}, ${new Date().toISOString()}, Node ${process.version}`);
  console.log(`before: ${machine()}; temporary folder on ${tmpFilesystem()}`);
  console.log('targets:');
  for (const target of targets) console.log(`  ${target.name}: ${target.description}`);

  const { fanOut, throughput, join, memory } = settings;
  const generated = performance.now();
  const typingLength = Math.max(
    rows.has('throughput') ? throughput.updates : 0,
    rows.has('fanout') ? fanOutUpdatesPerRoom(fanOut) : 0,
  );
  const typing = typingStream(typingLength);
  const history = rows.has('join') ? programHistory(join.lines) : null;
  console.log(`pre-encoded ${formatCount(typing.frames.length)} keystroke updates${history ? ` and a ${formatCount(history.frames.length)}-update history of ${formatCount(history.lines)} lines` : ''} in ${((performance.now() - generated) / 1000).toFixed(1)} s`);

  const tables: string[] = [];
  const fanOutResults = new Map<number, Map<string, FanOutResult>>();
  const throughputResults = new Map<string, ThroughputResult>();
  const joinResults = new Map<string, JoinResult>();
  const memoryResults = new Map<string, MemoryResult>();

  if (rows.has('fanout')) {
    console.log(`\n1. fan-out latency: ${fanOut.clientsPerRoom} clients per room, one types every ${fanOut.intervalMs} ms`);
    const lines: Array<[string, Cells]> = [];
    for (const rooms of fanOut.roomCounts) {
      const results = new Map<string, FanOutResult>();
      for (const target of targets) {
        const result = await withTarget(target, (instance) => measureFanOut(target, instance, { ...fanOut, rooms }, typing));
        results.set(target.name, result);
        const l = result.latency;
        progress(`${rooms} room${rooms === 1 ? '' : 's'}, ${target.name}: p50/p95/p99 ${l ? `${formatMs(l.p50)}/${formatMs(l.p95)}/${formatMs(l.p99)} ms` : 'no samples'}, ${cpuCell(result)} CPU`);
      }
      fanOutResults.set(rooms, results);
      const label = `${formatCount(rooms)} room${rooms === 1 ? '' : 's'}`;
      const latency = (pick: (summary: NonNullable<FanOutResult['latency']>) => number) =>
        cellsOf(results, (result) => (result.latency ? formatMs(pick(result.latency)) : null));
      lines.push([`${label}: p50 ms`, latency((s) => s.p50)]);
      lines.push([`${label}: p95 ms`, latency((s) => s.p95)]);
      lines.push([`${label}: p99 ms`, latency((s) => s.p99)]);
      lines.push([`${label}: updates sent/s (lost)`, cellsOf(results, (r) => `${formatCount(r.sentPerSecond)} (${formatCount(r.lost)})`)]);
      lines.push([`${label}: CPU server / clients`, cellsOf(results, cpuCell)]);
    }
    tables.push(table('1. fan-out latency', targets, lines));
  }

  if (rows.has('throughput')) {
    console.log(`\n2. throughput: one writer at full speed, ${throughput.receivers} receivers, ${formatCount(throughput.updates)} updates`);
    for (const target of targets) {
      const result = await withTarget(target, (instance) => measureThroughput(target, instance, typing, throughput));
      throughputResults.set(target.name, result);
      progress(`${target.name}: ${formatCount(result.updatesPerSecond)} updates/s${result.complete ? '' : ' (incomplete: time limit)'}, ${cpuCell(result)} CPU`);
    }
    tables.push(
      table('2. throughput, one room', targets, [
        ['updates/s delivered to each receiver', cellsOf(throughputResults, (r) => `${formatCount(r.updatesPerSecond)}${r.complete ? '' : ' (timed out)'}`)],
        ['CPU server / clients', cellsOf(throughputResults, cpuCell)],
      ]),
    );
  }

  if (rows.has('join') && history) {
    console.log(`\n3. join: a fresh stock client syncs a room of ${formatCount(history.lines)} lines built by ${formatCount(history.frames.length)} updates`);
    warmUpJoiningClient(history);
    for (const target of targets) {
      if (!target.holdsDocument) {
        progress(`${target.name}: skipped (holds no document)`);
        continue;
      }
      const result = await withTarget(target, (instance) => measureJoin(target, instance, history, join));
      joinResults.set(target.name, result);
      progress(`${target.name}: ${formatMs(result.joinMs)} ms (samples ${result.samples.map(formatMs).join(', ')})${result.joinUnloadedMs === null ? '' : `, unloaded ${formatMs(result.joinUnloadedMs)} ms`}; history pushed in ${result.buildSeconds.toFixed(1)} s`);
    }
    tables.push(
      table('3. join a long history', targets, [
        [`connect → synced ms, median of ${join.joins}`, cellsOf(joinResults, (r) => formatMs(r.joinMs))],
        ['same, room unloaded (read from storage)', cellsOf(joinResults, (r) => (r.joinUnloadedMs === null ? null : formatMs(r.joinUnloadedMs)))],
        ['CPU server / clients, during the joins', cellsOf(joinResults, cpuCell)],
        ['building the history took s', cellsOf(joinResults, (r) => r.buildSeconds.toFixed(1))],
      ]),
    );
  }

  if (rows.has('memory')) {
    console.log(`\n4. memory: ${formatCount(memory.rooms)} rooms, each joined once by one client that stays idle`);
    for (const target of targets) {
      const result = await withTarget(target, (instance) => measureIdleMemory(target, instance, memory));
      memoryResults.set(target.name, result);
      progress(`${target.name}: ${formatKiB(result.perRoomKiB)} per room (RSS ${formatKiB(result.rssBeforeKiB)} → ${formatKiB(result.rssAfterKiB)})`);
    }
    const mib = (kib: number) => (kib / 1024).toFixed(0);
    tables.push(
      table('4. memory per idle room', targets, [
        ['server RSS growth per room', cellsOf(memoryResults, (r) => formatKiB(r.perRoomKiB))],
        ['server RSS before → after, MiB', cellsOf(memoryResults, (r) => `${mib(r.rssBeforeKiB)} → ${mib(r.rssAfterKiB)}`)],
      ]),
    );
  }

  console.log(`\nafter: ${machine()}\n`);
  console.log(tables.join('\n\n'));
  console.log(`\nCPU columns: % of one core used by the server's process / by this load generator over the measured span${
    ' '
  }(⚠ past ${CLIENT_BOUND_PERCENT} %: the clients may be the limit, not the server).`);
  printTargets({ fanOutResults, throughputResults, joinResults, memoryResults });
}

/** The project's aims (docs/performance.md, "Relay"): ahead of the reference server everywhere, fan-out p99 near the ceiling. */
function printTargets(results: {
  fanOutResults: Map<number, Map<string, FanOutResult>>;
  throughputResults: Map<string, ThroughputResult>;
  joinResults: Map<string, JoinResult>;
  memoryResults: Map<string, MemoryResult>;
}): void {
  const comparisons: Array<{ figure: string; relay: number | undefined; reference: number | undefined; lowerIsBetter: boolean }> = [];
  for (const [rooms, byTarget] of results.fanOutResults) {
    for (const p of ['p50', 'p95', 'p99'] as const) {
      comparisons.push({ figure: `fan-out ${p}, ${rooms} room${rooms === 1 ? '' : 's'}`, relay: byTarget.get('relay')?.latency?.[p], reference: byTarget.get('reference')?.latency?.[p], lowerIsBetter: true });
    }
  }
  comparisons.push({ figure: 'throughput', relay: results.throughputResults.get('relay')?.updatesPerSecond, reference: results.throughputResults.get('reference')?.updatesPerSecond, lowerIsBetter: false });
  comparisons.push({ figure: 'join', relay: results.joinResults.get('relay')?.joinMs, reference: results.joinResults.get('reference')?.joinMs, lowerIsBetter: true });
  comparisons.push({ figure: 'memory per room', relay: results.memoryResults.get('relay')?.perRoomKiB, reference: results.memoryResults.get('reference')?.perRoomKiB, lowerIsBetter: true });
  const compared = comparisons.filter((c): c is typeof c & { relay: number; reference: number } => c.relay !== undefined && c.reference !== undefined);
  if (compared.length > 0) {
    const behind = compared.filter((c) => (c.lowerIsBetter ? c.relay > c.reference : c.relay < c.reference));
    console.log(`\naim "ahead of the reference server on every row": relay ahead on ${compared.length - behind.length} of ${compared.length} figures${behind.length ? `; behind on: ${behind.map((c) => c.figure).join(', ')}` : ''}`);
  }
  const largest = Math.max(...results.fanOutResults.keys());
  const atLargest = results.fanOutResults.get(largest);
  const relayP99 = atLargest?.get('relay')?.latency?.p99;
  const ceilingP99 = atLargest?.get('ceiling')?.latency?.p99;
  if (relayP99 !== undefined && ceilingP99 !== undefined) {
    const factor = relayP99 / ceilingP99;
    console.log(`aim "fan-out p99 at ${largest} rooms within ${CEILING_FACTOR_TARGET}× the ceiling": ${factor.toFixed(1)}× (${formatMs(relayP99)} vs ${formatMs(ceilingP99)} ms) — ${factor <= CEILING_FACTOR_TARGET ? 'met' : 'not met'}`);
  }
}

try {
  await main();
} finally {
  await stopAll();
}
