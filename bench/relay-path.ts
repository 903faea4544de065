/**
 * On-demand benchmark of the relay's own cost per document update, without
 * sockets: the room code (apps/server/src/relay) on the SQLite store in a
 * temporary folder, driven in-process. Each of `--rooms` rooms has one
 * writer and two receivers whose sockets only count bytes; the writer frames
 * are the relay benchmark's pre-encoded typing stream, handed to the rooms
 * in bursts of `--burst` per event-loop turn (as a busy poll phase hands
 * them over), as fast as it takes them or at `--rate` updates per second.
 * It prints the process's CPU time per update (every thread, from
 * `process.cpuUsage`, so other processes do not count), how busy the event
 * loop was (`eventLoopUtilization`: what is left of it is the headroom that
 * keeps queues short), and the time from a frame's arrival to its relay,
 * `--reps` times.
 *
 *   pnpm bench:relay-path [--rooms=500] [--updates=100000] [--burst=10] [--rate=10000] [--reps=3]
 *
 * It complements `pnpm bench:relay`: socket costs are the same for every
 * relay; this isolates what ours adds (validation, Yjs, storage, ordering).
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { makeTempDir, removeDir } from '@interview/test-support';
import { createLogger } from '../apps/server/src/log.js';
import { Connection, type RelaySocket } from '../apps/server/src/relay/connection.js';
import { Room } from '../apps/server/src/relay/room.js';
import { seedUpdate } from '../apps/server/src/rooms/room-seed.js';
import { hashToken, newRoomId } from '../apps/server/src/rooms/tokens.js';
import { SqliteRoomStore } from '../apps/server/src/storage/sqlite-store.js';
import { typingStream } from './relay/updates.js';

const { values } = parseArgs({
  options: {
    rooms: { type: 'string', default: '500' },
    updates: { type: 'string', default: '100000' },
    burst: { type: 'string', default: '10' },
    rate: { type: 'string' },
    reps: { type: 'string', default: '3' },
  },
});
const rooms = Number(values.rooms);
const updates = Number(values.updates);
const burst = Number(values.burst);
const reps = Number(values.reps);
const rate = values.rate === undefined ? null : Number(values.rate);
for (const [name, value] of Object.entries({ rooms, updates, burst, reps, ...(rate === null ? {} : { rate }) })) {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`--${name} must be a positive whole number`);
}

const perRoom = Math.ceil(updates / rooms);
const stream = typingStream(perRoom);

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function once(rep: number): Promise<void> {
  const dir = makeTempDir('relay-path-');
  const store = new SqliteRoomStore(dir);
  const logger = createLogger('warn');
  const arrival = new Float64Array(rooms * perRoom);
  const relayed = new Float64Array(rooms * perRoom);
  let delivered = 0;
  let bytesOut = 0;
  let finished = false;
  let done: () => void = () => {};
  const allDelivered = new Promise<void>((resolve) => (done = resolve));
  const total = rooms * perRoom;

  const loaded: Array<{ room: Room; writer: Connection }> = [];
  for (let r = 0; r < rooms; r++) {
    const id = newRoomId();
    await store.createRoom(
      { id, title: 'path', language: 'python', interviewerTokenHash: hashToken('i'), candidateTokenHash: hashToken('c'), createdAt: new Date(), ended: null },
      seedUpdate('python'),
    );
    const room = await Room.load(id, { store, logger, maxMessageBytes: 1 << 20, snapshotEvery: 500, onEmpty: () => {} });
    const connection = (role: 'interviewer' | 'candidate', index: number, receiver: boolean) => {
      let seen = 0;
      const socket: RelaySocket = {
        send: (data) => {
          bytesOut += data.byteLength;
          // The join's own frames (sync step 1, …) come first; updates are counted from the first relayed one.
          if (!receiver || data[0] !== 0 || data[1] !== 2) return;
          if (index !== 1) return;
          const n = r * perRoom + seen++;
          relayed[n] = performance.now();
          if (++delivered === total) done();
        },
        close: (code, reason) => {
          if (!finished) throw new Error(`room ${id} closed a connection: ${code} ${reason}`);
        },
      };
      return new Connection(socket, { connectionId: `${r}-${index}`, role, name: `p${index}` });
    };
    const writer = connection('interviewer', 0, false);
    room.join(writer);
    room.join(connection('candidate', 1, true));
    room.join(connection('candidate', 2, true));
    loaded.push({ room, writer });
  }

  const cpuBefore = process.cpuUsage();
  const loopBefore = performance.eventLoopUtilization();
  const started = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const turn = () => {
      // Paced: only what is due by now, at most a burst per turn.
      const due = rate === null ? total : Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
      for (let i = 0; i < burst && sent < due; i++, sent++) {
        // Round-robin over rooms: update k of every room before update k + 1 of any.
        const r = sent % rooms;
        const k = Math.floor(sent / rooms);
        arrival[r * perRoom + k] = performance.now();
        loaded[r]!.room.receive(loaded[r]!.writer, stream.frames[k]!);
      }
      if (sent >= total) resolve();
      else if (rate !== null && sent >= Math.floor(((performance.now() - started) / 1000) * rate)) setTimeout(turn, 1);
      else setImmediate(turn);
    };
    setImmediate(turn);
  });
  await allDelivered;
  const elapsed = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const loop = performance.eventLoopUtilization(loopBefore);
  const latency = new Float64Array(total);
  for (let i = 0; i < total; i++) latency[i] = relayed[i]! - arrival[i]!;
  latency.sort();
  console.log(
    `rep ${rep + 1}: ${((cpu.user + cpu.system) / total).toFixed(1)} µs CPU per update (user ${(cpu.user / total).toFixed(1)}, system ${(cpu.system / total).toFixed(1)}), ` +
      `${Math.round(total / (elapsed / 1000)).toLocaleString('en')} updates/s, event loop busy ${(loop.utilization * 100).toFixed(0)} %, arrival → relay p50/p99 ${percentile(latency, 50).toFixed(3)}/${percentile(latency, 99).toFixed(3)} ms, ` +
      `${(bytesOut / 1024 / 1024).toFixed(1)} MiB out`,
  );
  finished = true;
  for (const { room } of loaded) room.closeAll(1001, 'done');
  for (const { room } of loaded) await room.unload();
  await store.close();
  removeDir(dir);
}

console.log(`${rooms} rooms, ${perRoom} updates each (${(rooms * perRoom).toLocaleString('en')} in all), bursts of ${burst} per event-loop turn${rate === null ? ', as fast as taken' : `, ${rate.toLocaleString('en')} updates/s`}, main channel, SQLite in a temporary folder`);
for (let rep = 0; rep < reps; rep++) await once(rep);
