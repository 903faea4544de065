import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode } from '@interview/protocol';
import { makeTempDir, removeDir, startServer, waitFor, type ServerProcess } from '@interview/test-support';
import { connectStockClient } from './clients.js';
import { StoredRooms } from './chaos/stored-rooms.js';
import { probeOnceStopping, type StoppingProbe } from './chaos/stopping-probe.js';
import { markDifferences, TypingRooms } from './chaos/typing-rooms.js';
import { Prng } from './fuzz/prng.js';
import { integerSetting, seedSetting } from './run-settings.js';

/**
 * Nothing lost, under load: stock y-websocket clients keep typing in
 * several rooms while the built server is killed (SIGKILL) and restarted on
 * the same port and data folder, or stopped with SIGTERM mid-typing. After
 * each crash storage must hold every edit any client saw from another; at
 * the end every client of a room holds the same text, every insert that its
 * author did not delete is in it, and storage holds that same text.
 *
 * CHAOS_ROOMS, CHAOS_CLIENTS (per room), CHAOS_CYCLES (kills and restarts)
 * and CHAOS_TYPING_MS (each client's time between edits) size the run;
 * `pnpm test:chaos` runs a longer one. CHAOS_SEED replays a run's choices
 * (what each client types where, when each crash comes); the timing of the
 * sockets is the machine's. Every run prints its seed.
 */

const ROOMS = integerSetting('CHAOS_ROOMS', 3, 1);
// Two at least: storage is checked against what a client saw from another.
const CLIENTS = integerSetting('CHAOS_CLIENTS', 3, 2);
const CYCLES = integerSetting('CHAOS_CYCLES', 4, 1);
const TYPING_MS = integerSetting('CHAOS_TYPING_MS', 40, 5);
const SEED = seedSetting('CHAOS_SEED');

const SERVER_ENV = {
  // The lowest: reloads go through a snapshot and the updates after it, and crashes land around snapshot writes.
  SNAPSHOT_EVERY: '10',
  // A long run may open more rooms, and more clients to a room, than one person's limits allow.
  ROOMS_PER_ADDRESS_PER_MINUTE: String(Math.max(30, ROOMS)),
  MAX_PARTICIPANTS_PER_ROOM: String(Math.max(32, CLIENTS + 1)),
};
/** How long a SIGTERM may take to end the process: it takes well under a second; the rest is for a busy machine. */
const STOP_WITHIN_MS = 10_000;

const seeded = (what: string) => `${what} (CHAOS_SEED=${SEED} replays this run's choices)`;

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function dataFolder(): string {
  const dataDir = makeTempDir('interview-chaos-');
  cleanups.push(() => removeDir(dataDir));
  return dataDir;
}

async function serve(dataDir: string, port?: number): Promise<ServerProcess> {
  const server = await startServer({ dataDir, port, env: SERVER_ENV });
  cleanups.push(() => server.kill());
  return server;
}

async function typingRooms(server: ServerProcess, rng: Prng): Promise<TypingRooms> {
  const rooms = await TypingRooms.open(server.url, { rooms: ROOMS, clientsPerRoom: CLIENTS, rng });
  cleanups.push(() => rooms.destroy());
  return rooms;
}

/** With the server down: storage holds every edit that reached a client other than its author, and no stored edit waits for a missing one. */
function expectStorageHoldsWhatOthersSaw(dataDir: string, rooms: TypingRooms, when: string): void {
  const stored = StoredRooms.read(dataDir, rooms.rooms);
  try {
    expect(stored.unstoredEdits(), seeded(`${when}: edits a client saw from another but storage lacks`)).toEqual([]);
    for (const { room } of rooms.rooms) expect(stored.room(room.roomId).incomplete, seeded(`${when}: a hole in the stored history of ${room.roomId}`)).toBe(false);
  } finally {
    stored.destroy();
  }
}

/** Sends SIGTERM and waits, within STOP_WITHIN_MS, for the process to exit; returns its exit code and how long it took. */
async function terminate(server: ServerProcess): Promise<{ code: number | NodeJS.Signals | null; ms: number }> {
  const signalled = performance.now();
  server.child.kill('SIGTERM');
  await waitFor(() => server.child.exitCode !== null || server.child.signalCode !== null, {
    what: 'the server to exit after SIGTERM',
    timeoutMs: STOP_WITHIN_MS,
  });
  const ms = performance.now() - signalled;
  return { code: await server.exited, ms };
}

/**
 * After the last restart: waits until every client is back and the rooms
 * have converged with typing stopped, checks each room's text against
 * what was typed, then stops the server with SIGTERM and checks storage
 * holds the same texts, read from the SQLite file and through a fresh
 * server and client.
 */
async function expectNothingLost(server: ServerProcess, dataDir: string, rooms: TypingRooms): Promise<void> {
  await rooms.allBack('every client to reconnect after the last restart');
  rooms.stopTyping();
  await rooms.converged();
  expect(rooms.typists.flatMap((typist) => typist.failures), seeded('typists that lost their own edits')).toEqual([]);

  const texts = new Map<string, string>();
  for (const room of rooms.rooms) {
    const text = room.typists[0]!.client.text.toString();
    texts.set(room.room.roomId, text);
    expect(markDifferences(room, text), seeded(`room ${room.room.roomId} against what its clients typed`)).toEqual({
      missing: [],
      unexpected: [],
      starterCodeChanged: false,
    });
  }

  // The clients stop here, so that only storage can give the texts back.
  rooms.disconnect();
  expect((await terminate(server)).code).toBe(0);
  const stored = StoredRooms.read(dataDir, rooms.rooms);
  try {
    for (const [roomId, text] of texts) expect(stored.room(roomId), seeded(`room ${roomId} as stored`)).toEqual({ text, incomplete: false });
  } finally {
    stored.destroy();
  }

  const fresh = await serve(dataDir);
  for (const { room } of rooms.rooms) {
    const reader = connectStockClient(fresh.url, room.roomId, room.candidateToken, 'Reader');
    try {
      await reader.synced();
      expect(reader.text.toString(), seeded(`room ${room.roomId} as a fresh server loads it`)).toBe(texts.get(room.roomId));
    } finally {
      reader.destroy();
    }
  }
  await fresh.stop();
}

function editCount(rooms: TypingRooms): number {
  return rooms.typists.reduce((sum, typist) => sum + typist.edits, 0);
}

describe(`nothing lost under load: ${ROOMS} rooms × ${CLIENTS} typing clients (CHAOS_SEED=${SEED})`, () => {
  it(
    `${CYCLES} crashes (SIGKILL) and restarts while everyone types: every client converges on the same text, with every insert, and storage holds it`,
    async () => {
      // Printed first, so that even a time-out leaves the seed.
      console.log(`chaos: CHAOS_SEED=${SEED} CHAOS_ROOMS=${ROOMS} CHAOS_CLIENTS=${CLIENTS} CHAOS_CYCLES=${CYCLES} CHAOS_TYPING_MS=${TYPING_MS}`);
      const rng = new Prng(SEED);
      // When each crash comes: after everyone is back and has typed a while, or as soon as the first client is
      // back while the others are still resyncing. The first crashes take each kind once, the rest at random.
      const kinds = ['steady', 'mid-resync'] as const;
      const plan = Array.from({ length: CYCLES }, (_, i) => ({
        crash: kinds[i] ?? rng.pick(kinds),
        editsOnline: rng.range(3, 15),
        editsOffline: rng.range(1, 8),
      }));
      const dataDir = dataFolder();
      let server = await serve(dataDir);
      const rooms = await typingRooms(server, rng);
      const started = Date.now();
      rooms.startTyping(TYPING_MS);

      for (const [i, cycle] of plan.entries()) {
        const when = `crash ${i + 1} of ${CYCLES} (${cycle.crash})`;
        if (cycle.crash === 'steady') {
          await rooms.allBack(`every client to be back before ${when}`);
          await rooms.moreEdits(cycle.editsOnline, `everyone to type before ${when}`);
        } else {
          await waitFor(() => rooms.anySynced(), { what: `a first client to be back before ${when}`, timeoutMs: 30_000 });
        }
        await server.kill();
        expect(server.child.signalCode).toBe('SIGKILL');
        expectStorageHoldsWhatOthersSaw(dataDir, rooms, `after ${when}`);
        // The clients type on while the server is down; they send those edits when it is back.
        await rooms.moreEdits(cycle.editsOffline, `everyone to type offline after ${when}`);
        server = await serve(dataDir, server.port);
      }

      await expectNothingLost(server, dataDir, rooms);
      console.log(
        `chaos: ${CYCLES} crashes (${plan.map((c) => c.crash).join(', ')}), ${editCount(rooms)} edits in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
          `documents of ${rooms.rooms.map((room) => room.typists[0]!.client.text.length).join(', ')} characters`,
      );
    },
    60_000 + CYCLES * 20_000 + ROOMS * CLIENTS * 1_000,
  );

  it(
    'SIGTERM while everyone types: each client gets 1012, the process exits 0 at once, nobody joins while it stops, and every edit it took is stored',
    async () => {
      console.log(`chaos: CHAOS_SEED=${SEED} (SIGTERM under load)`);
      const rng = new Prng(SEED);
      const dataDir = dataFolder();
      let server = await serve(dataDir);
      const rooms = await typingRooms(server, rng);
      rooms.startTyping(TYPING_MS);
      await rooms.moreEdits(rng.range(5, 20), 'everyone to type before the SIGTERM');
      expect(rooms.allSynced()).toBe(true);
      expect(rooms.typists.flatMap((typist) => typist.client.closes)).toEqual([]);

      let probe: StoppingProbe | null = null;
      void probeOnceStopping(server, rooms.rooms[0]!.room).then((outcome) => (probe = outcome));
      const stopped = await terminate(server);
      console.log(`chaos: SIGTERM to exit in ${stopped.ms.toFixed(0)} ms`);
      expect(stopped.code).toBe(0);
      const events = server.logs.map((entry) => entry.event);
      expect(events).toContain('stopped');

      // Every client was told the server restarts (the stock provider reconnects after it), and nothing else first.
      await waitFor(() => rooms.typists.every((typist) => typist.client.closes.length > 0), { what: 'every client to see its socket close' });
      for (const { author, client } of rooms.typists) {
        expect(client.closes[0], `${author}'s first close`).toEqual({ code: CloseCode.ServiceRestart, reason: 'service restart' });
      }

      // Once stopping, it takes nobody in: neither the providers retrying nor a newcomer who tries the moment it logs that it stops.
      const joinedWhileStopping = server.logs.slice(events.indexOf('shutting-down')).filter((entry) => entry.event === 'participant-joined');
      expect(joinedWhileStopping).toEqual([]);
      const outcome = await waitFor(() => probe, { what: 'the newcomer to be answered' });
      console.log(`chaos: a newcomer trying when the server logged shutting-down: ${outcome.opened ? 'let in' : 'refused'} (process still running then: ${outcome.serverRunning})`);
      expect(outcome.opened).toBe(false);

      // What the server took before it stopped is stored: the clients did not need to send it again.
      expectStorageHoldsWhatOthersSaw(dataDir, rooms, 'after the SIGTERM');
      await rooms.moreEdits(rng.range(1, 8), 'everyone to type while the server is stopped');
      server = await serve(dataDir, server.port);
      await expectNothingLost(server, dataDir, rooms);
    },
    90_000 + ROOMS * CLIENTS * 1_000,
  );
});
