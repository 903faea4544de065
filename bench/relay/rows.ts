/**
 * The four measurements of the relay benchmark, each against one running
 * target. They return numbers; relay.ts turns them into tables.
 */
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import WebSocket from 'ws';
import { inPool, LoadClient, sleep, until } from './load.js';
import { residentKiB, ServerCpuMeter, sum } from './process-stats.js';
import type { BenchRoom, RunningTarget, Target } from './servers.js';
import { CpuMeter, median, perSecond, SampleBuffer, summarize, type LatencySummary } from './stats.js';
import { TEXT_NAME, WRITER_CLIENT_ID, type UpdateStream } from './updates.js';
import { firstStructId, readFrame } from './wire.js';

/** Parallel API calls and socket opens while setting a scenario up (not while measuring). */
const SETUP_CONCURRENCY = 16;
/** How long stragglers may take to arrive after the last measured send before they count as lost. */
const DRAIN_MS = 5_000;
/** Joins before the measured ones in row 3 (see measureJoin). */
const JOIN_WARMUPS = 10;

/** CPU beside every figure: the server's (all its processes) and the load generator's, in % of one core. */
export interface CpuFigures {
  serverCpu: number;
  clientCpu: number;
}

async function joinAll(target: Target, rooms: readonly BenchRoom[], clientsPerRoom: number, onUpdate: (room: number, client: number) => ((update: Uint8Array) => void) | undefined): Promise<LoadClient[][]> {
  const slots = rooms.flatMap((_, room) => Array.from({ length: clientsPerRoom }, (_unused, client) => ({ room, client })));
  const clients = await inPool(slots, SETUP_CONCURRENCY, ({ room, client }) =>
    LoadClient.connect({ address: rooms[room]!.client(client), handshake: target.holdsDocument, onUpdate: onUpdate(room, client) }),
  );
  return rooms.map((_, room) => clients.slice(room * clientsPerRoom, (room + 1) * clientsPerRoom));
}

const closeAll = (clients: readonly LoadClient[][]) => clients.flat().forEach((client) => client.close());

// ── 1. Fan-out latency ──────────────────────────────────────────────────────

export interface FanOutSettings {
  rooms: number;
  clientsPerRoom: number;
  intervalMs: number;
  warmupMs: number;
  measureMs: number;
}

export interface FanOutResult extends CpuFigures {
  latency: LatencySummary | null;
  /** Updates sent per second during the measured window (rooms × 1000 / interval when the clients keep up). */
  sentPerSecond: number;
  /** Receipts of measured sends that had not arrived DRAIN_MS after the last send. */
  lost: number;
}

/** Updates one room's writer may send: the whole run, plus a second of slack for timers that fire late on a loaded machine. */
export function fanOutUpdatesPerRoom(settings: Pick<FanOutSettings, 'intervalMs' | 'warmupMs' | 'measureMs'>): number {
  return Math.ceil((settings.warmupMs + settings.measureMs + 1_000) / settings.intervalMs);
}

/**
 * One writer per room sends the next pre-encoded keystroke every
 * `intervalMs`, rooms evenly staggered over the interval; every other client
 * of the room records the time from the send to its receipt. Only sends in
 * the measured window count (after `warmupMs`).
 */
export async function measureFanOut(target: Target, running: RunningTarget, settings: FanOutSettings, stream: UpdateStream): Promise<FanOutResult> {
  const { rooms: roomCount, clientsPerRoom, intervalMs, warmupMs, measureMs } = settings;
  const sendsPerRoom = fanOutUpdatesPerRoom(settings);
  if (sendsPerRoom > stream.frames.length) throw new RangeError(`the update stream has ${stream.frames.length} updates, a room needs ${sendsPerRoom}`);

  const rooms = await inPool(Array.from({ length: roomCount }), SETUP_CONCURRENCY, () => running.createRoom());
  const sendTimes = rooms.map(() => new Float64Array(sendsPerRoom).fill(Number.NaN));
  const samples = new SampleBuffer();
  let measureFrom = Number.POSITIVE_INFINITY;
  let measureUntil = Number.NEGATIVE_INFINITY;
  let measuredReceipts = 0;

  const receiver = (room: number) => (update: Uint8Array) => {
    const now = performance.now();
    const id = firstStructId(update);
    if (id === null || id.client !== WRITER_CLIENT_ID) return;
    const index = stream.indexOfClock.get(id.clock);
    if (index === undefined) return;
    const sent = sendTimes[room]![index]!;
    if (sent >= measureFrom && sent < measureUntil) {
      samples.push(now - sent);
      measuredReceipts++;
    }
  };
  const clients = await joinAll(target, rooms, clientsPerRoom, (room, client) => (client === 0 ? undefined : receiver(room)));

  // One timer drives every writer: rooms send in a fixed cyclic order, room r
  // at phase r/N of the interval, so the next due room is always `cursor`.
  const nextDue = new Float64Array(roomCount);
  const sent = new Uint32Array(roomCount);
  const start = performance.now() + 20;
  for (let room = 0; room < roomCount; room++) nextDue[room] = start + (room * intervalMs) / roomCount;
  let cursor = 0;
  let sending = true;
  let measuredSends = 0;
  let timer: NodeJS.Timeout | null = null;
  const tick = () => {
    timer = null;
    if (!sending) return;
    let now = performance.now();
    while (nextDue[cursor]! <= now) {
      const room = cursor;
      const index = sent[room]!;
      if (index < sendsPerRoom) {
        // The time is taken right before the send: a late tick delays the send, not the figure.
        now = performance.now();
        sendTimes[room]![index] = now;
        clients[room]![0]!.send(stream.frames[index]!);
        sent[room] = index + 1;
        if (now >= measureFrom && now < measureUntil) measuredSends++;
      }
      nextDue[room]! += intervalMs;
      cursor = (cursor + 1) % roomCount;
    }
    timer = setTimeout(tick, Math.max(0, nextDue[cursor]! - performance.now()));
  };
  tick();

  await sleep(warmupMs);
  const serverCpu = new ServerCpuMeter(running.pids);
  const clientCpu = new CpuMeter();
  measureFrom = performance.now();
  measureUntil = measureFrom + measureMs;
  await sleep(measureMs);
  const cpu = { serverCpu: serverCpu.stop(), clientCpu: clientCpu.stop().percentOfCore };
  sending = false;
  if (timer !== null) clearTimeout(timer);
  const expected = measuredSends * (clientsPerRoom - 1);
  await until(() => measuredReceipts >= expected, DRAIN_MS);
  closeAll(clients);
  return { latency: summarize(samples), sentPerSecond: perSecond(measuredSends, measureMs), lost: expected - measuredReceipts, ...cpu };
}

// ── 2. Throughput ───────────────────────────────────────────────────────────

export interface ThroughputResult extends CpuFigures {
  /** Updates per second that reached every receiver. */
  updatesPerSecond: number;
  /** False if the stream did not get through within the time limit (the rate is then of what did). */
  complete: boolean;
}

/**
 * Sends a stream of frames from one writer as fast as the receivers take
 * them: at most `window` updates ahead of the slowest receiver, so the server
 * always has work queued but its buffers stay bounded. Every receipt tops
 * the window up at once, so the pace is the server's, not a timer's.
 */
class FlowControlledStream {
  readonly received: Uint32Array;
  private sent = 0;
  private writer: LoadClient | null = null;
  private finish: (() => void) | null = null;

  constructor(
    private readonly frames: readonly Uint8Array[],
    private readonly window: number,
    receivers: number,
  ) {
    this.received = new Uint32Array(receivers);
  }

  /** The receipt callback of receiver `index`, for LoadClient's onUpdate. */
  receiver(index: number): () => void {
    return () => {
      this.received[index]!++;
      this.pump();
    };
  }

  /** Sends everything through `writer`; resolves when every receiver has it all or `timeoutMs` passed. */
  async run(writer: LoadClient, timeoutMs: number): Promise<{ elapsedMs: number; delivered: number; complete: boolean }> {
    this.writer = writer;
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const complete = await new Promise<boolean>((resolve) => {
      this.finish = () => resolve(true);
      timer = setTimeout(() => resolve(false), timeoutMs);
      this.pump();
    });
    clearTimeout(timer);
    const elapsedMs = performance.now() - started;
    this.writer = null;
    this.finish = null;
    return { elapsedMs, delivered: this.slowest(), complete };
  }

  private slowest(): number {
    let slowest = Number.POSITIVE_INFINITY;
    for (const count of this.received) if (count < slowest) slowest = count;
    return slowest;
  }

  private pump(): void {
    if (this.writer === null) return;
    const slowest = this.slowest();
    if (slowest >= this.frames.length) {
      this.finish?.();
      return;
    }
    const limit = Math.min(this.frames.length, slowest + this.window);
    while (this.sent < limit) this.writer.send(this.frames[this.sent++]!);
  }
}

export async function measureThroughput(target: Target, running: RunningTarget, stream: UpdateStream, options: { receivers: number; window: number; timeoutMs: number }): Promise<ThroughputResult> {
  const room = await running.createRoom();
  const flow = new FlowControlledStream(stream.frames, options.window, options.receivers);
  const [clients] = await joinAll(target, [room], 1 + options.receivers, (_room, client) => (client === 0 ? undefined : flow.receiver(client - 1)));
  const serverCpu = new ServerCpuMeter(running.pids);
  const clientCpu = new CpuMeter();
  const result = await flow.run(clients![0]!, options.timeoutMs);
  const cpu = { serverCpu: serverCpu.stop(), clientCpu: clientCpu.stop().percentOfCore };
  closeAll([clients!]);
  return { updatesPerSecond: perSecond(result.delivered, result.elapsedMs), complete: result.complete, ...cpu };
}

// ── 3. Join a room with a long history ──────────────────────────────────────

export interface JoinResult extends CpuFigures {
  /** Median connect → synced of a fresh stock client while the room is active on the server. */
  joinMs: number;
  samples: number[];
  /** The same after every client left and the server unloaded the room (read back from storage); null when the target does not keep rooms. */
  joinUnloadedMs: number | null;
  /** Seconds to push the history through the server once (setup, not a figure of merit). */
  buildSeconds: number;
}

/** A fresh stock y-websocket client (a provider on a new Y.Doc): ms from creating it to its `sync` event. */
async function timeStockJoin(room: BenchRoom, clientIndex: number, expectLines: number): Promise<number> {
  const address = room.client(clientIndex);
  const doc = new Y.Doc();
  const started = performance.now();
  const provider = new WebsocketProvider(address.serverUrl, address.roomName, doc, {
    params: address.params,
    disableBc: true,
    // ws implements the WebSocket interface the provider uses; its types are Node's, not the DOM's.
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
  });
  try {
    const synced = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`a fresh client did not sync with ${address.serverUrl}/${address.roomName} within 60 s`)), 60_000);
      provider.on('sync', (isSynced: boolean) => {
        if (!isSynced) return;
        clearTimeout(timer);
        resolve(performance.now());
      });
    });
    const lines = doc.getText(TEXT_NAME).toString().split('\n').length - 1;
    if (lines < expectLines) throw new Error(`the joining client got ${lines} lines, expected at least ${expectLines}`);
    return synced - started;
  } finally {
    provider.destroy();
    doc.destroy();
  }
}

/**
 * Runs the joining client's side of row 3 (decoding and applying the whole
 * document) until V8 has optimised it, before any target is measured. Without
 * it, the first target measured pays the client's JIT warm-up: applying the
 * same 2,000-line state took 29 ms cold and 3 ms warm here.
 */
export function warmUpJoiningClient(history: UpdateStream, rounds = 30): void {
  const source = new Y.Doc();
  for (const frame of history.frames) {
    const message = readFrame(frame);
    if (message.kind === 'update') Y.applyUpdate(source, message.update);
  }
  const state = Y.encodeStateAsUpdate(source);
  for (let round = 0; round < rounds; round++) {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, state);
    doc.getText(TEXT_NAME).toString();
    doc.destroy();
  }
  source.destroy();
}

export async function measureJoin(target: Target, running: RunningTarget, history: UpdateStream, options: { joins: number; window: number }): Promise<JoinResult> {
  const room = await running.createRoom();
  const flow = new FlowControlledStream(history.frames, options.window, 1);
  const [builders] = await joinAll(target, [room], 2, (_room, client) => (client === 0 ? undefined : flow.receiver(0)));
  const build = await flow.run(builders![0]!, 300_000);
  if (!build.complete) throw new Error(`the history did not get through ${target.name} within 300 s (${build.delivered} of ${history.frames.length})`);

  const samples: number[] = [];
  // Client indices from 2 on: 0 and 1 are the builders, still connected, so the room stays active.
  // Unmeasured joins first: the first uses of these code paths (JIT, lazy
  // loading) in the server and in the stock client are a start-up cost, not
  // the cost of a join; with only 3, the target measured first was still
  // about 5 ms slower than the same target measured second.
  let client = 2;
  for (let warmup = 0; warmup < JOIN_WARMUPS; warmup++) await timeStockJoin(room, client++, history.lines);
  const serverCpu = new ServerCpuMeter(running.pids);
  const clientCpu = new CpuMeter();
  for (let join = 0; join < options.joins; join++) samples.push(await timeStockJoin(room, client++, history.lines));
  const cpu = { serverCpu: serverCpu.stop(), clientCpu: clientCpu.stop().percentOfCore };
  closeAll([builders!]);

  let joinUnloadedMs: number | null = null;
  if (target.keepsRoomsAfterLastLeave) {
    const unloaded: number[] = [];
    for (let join = 0; join < options.joins; join++) {
      // Our relay unloads a room (final snapshot) once its last client left; give it time to finish.
      await sleep(1_000);
      unloaded.push(await timeStockJoin(room, client++, history.lines));
    }
    joinUnloadedMs = median(unloaded);
  }
  return { joinMs: median(samples), samples, joinUnloadedMs, buildSeconds: build.elapsedMs / 1000, ...cpu };
}

// ── 4. Memory per idle room ─────────────────────────────────────────────────

export interface MemoryResult {
  /** (RSS after − RSS before) / rooms, in KiB. */
  perRoomKiB: number;
  rssBeforeKiB: number;
  rssAfterKiB: number;
}

/**
 * Creates the rooms first (so the API's own cost is in the baseline; a
 * target that can restart on its storage does, so its heap does not start
 * with the slack those calls left), joins a few extra rooms (so that what the first joins cost once, such as code
 * loaded and compiled on first use and caches filling, is in the baseline
 * too), reads the server's RSS, joins each measured room once with one client
 * that then stays idle, waits for the server to settle, and reads the RSS
 * again.
 */
export async function measureIdleMemory(target: Target, running: RunningTarget, options: { rooms: number; settleMs: number }): Promise<MemoryResult> {
  const warmupRooms = Math.max(10, Math.ceil(options.rooms / 20));
  const rooms = await inPool(Array.from({ length: warmupRooms + options.rooms }), SETUP_CONCURRENCY, () => running.createRoom());
  await running.restart?.();
  const warmup = await joinAll(target, rooms.slice(0, warmupRooms), 1, () => undefined);
  await sleep(options.settleMs);
  const rssBeforeKiB = sum(running.pids.map(residentKiB));
  const clients = await joinAll(target, rooms.slice(warmupRooms), 1, () => undefined);
  await sleep(options.settleMs);
  const rssAfterKiB = sum(running.pids.map(residentKiB));
  closeAll([...warmup, ...clients]);
  return { perRoomKiB: (rssAfterKiB - rssBeforeKiB) / options.rooms, rssBeforeKiB, rssAfterKiB };
}
