/**
 * The servers the relay benchmark compares, each started as its own child
 * process on a free loopback port, so that its memory and CPU time are its
 * own and a crash of one does not take the benchmark down.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  freePort,
  makeTempDir,
  removeDir,
  serverEntry,
  startServer,
  usePostgres,
  useRedis,
  type ServerProcess,
} from '@interview/test-support';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');

/** Where one client of a room connects, in the shape the stock y-websocket provider takes it. */
export interface RoomAddress {
  /** e.g. ws://127.0.0.1:40123/ws */
  serverUrl: string;
  roomName: string;
  params: Record<string, string>;
}

/** The URL the stock provider opens for an address: `<serverUrl>/<roomName>?<params>`. */
export function socketUrl(address: RoomAddress): string {
  const query = new URLSearchParams(address.params).toString();
  return `${address.serverUrl}/${address.roomName}${query ? `?${query}` : ''}`;
}

export interface BenchRoom {
  /**
   * Where client `index` of the room connects. Client 0 is the writer. A
   * target may send clients of one room to different server instances (a
   * scale-out target must, so that updates cross its bus).
   */
  client(index: number): RoomAddress;
}

export interface RunningTarget {
  /** The HTTP base URL of the (first) server process. */
  url: string;
  /** Every process whose memory and CPU count as the server's (may change across `restart`). */
  readonly pids: readonly number[];
  /** A new, empty room (through the server's API where it has one). */
  createRoom(): Promise<BenchRoom>;
  /**
   * For targets whose rooms survive a restart: restart the server processes
   * on the same storage and addresses, so rooms created before still work.
   * The memory row uses it to start its baseline from a fresh process rather
   * than from a heap grown by a thousand API calls.
   */
  restart?(): Promise<void>;
  /** Stops every process and removes what the target wrote. */
  stop(): Promise<void>;
}

export interface Target {
  /** Column name and `--only` value. */
  name: string;
  /** One line for the printed legend. */
  description: string;
  /**
   * Whether the server holds the Yjs document: answers a client's sync
   * step 1 and serves a joiner the document. False for the bare-socket
   * ceiling, which only forwards frames.
   */
  holdsDocument: boolean;
  /** Whether a room's document survives its last client leaving (read back from storage). */
  keepsRoomsAfterLastLeave: boolean;
  start(): Promise<RunningTarget>;
}

/** SIGTERM, then SIGKILL if the process has not exited within `graceMs`. */
async function terminate(child: ChildProcess, exited: Promise<unknown>, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Spawns a server process and resolves once `listening(line)` recognises a
 * line of its stdout and returns the server's URL from it.
 */
function spawnServer(options: {
  what: string;
  args: string[];
  env: Record<string, string>;
  listening: (line: string) => string | null;
  timeoutMs?: number;
}): Promise<{ url: string; child: ChildProcess; exited: Promise<unknown> }> {
  const child = spawn(process.execPath, options.args, {
    cwd: repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<unknown>((done) => child.once('exit', (code, signal) => done(code ?? signal)));
  let output = '';
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`${options.what} did not start within ${options.timeoutMs ?? 15000} ms\n${output}`));
    }, options.timeoutMs ?? 15000);
    let buffered = '';
    let started = false;
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      if (started) return; // Read and dropped from here on, so the pipe never fills.
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        output += `${line}\n`;
        const url = options.listening(line);
        if (url !== null) {
          started = true;
          clearTimeout(timer);
          done({ url, child, exited });
          return;
        }
      }
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      // Kept for the failure message, and echoed later: a server's errors belong in the benchmark's output.
      if (started) process.stderr.write(`[${options.what}] ${chunk}`);
      else output += chunk;
    });
    void exited.then((code) => {
      clearTimeout(timer);
      if (!started) fail(new Error(`${options.what} exited (${String(code)}) before listening\n${output}`));
    });
  });
}

/** Rooms named by a counter, for servers that create a room on first connection. */
function namedRooms(serverUrl: string, prefix: string): () => Promise<BenchRoom> {
  let next = 0;
  return async () => {
    const roomName = `${prefix}-${next++}`;
    return { client: () => ({ serverUrl, roomName, params: {} }) };
  };
}

/** A room created through our API; client 0 joins as the interviewer, the others as candidates. */
async function createApiRoom(httpUrl: string): Promise<BenchRoom> {
  const response = await fetch(`${httpUrl}/api/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Relay benchmark' }),
  });
  if (response.status !== 201) throw new Error(`POST /api/rooms answered ${response.status}: ${await response.text()}`);
  const created = (await response.json()) as { roomId: string; interviewerUrl: string; candidateUrl: string };
  const token = (link: string) => {
    const value = new URLSearchParams(new URL(link).hash.slice(1)).get('token');
    if (!value) throw new Error(`no #token= in the room link ${link}`);
    return value;
  };
  const interviewer = token(created.interviewerUrl);
  const candidate = token(created.candidateUrl);
  const serverUrl = `${httpUrl.replace(/^http/, 'ws')}/ws`;
  return {
    client: (index) => ({
      serverUrl,
      roomName: created.roomId,
      params: { token: index === 0 ? interviewer : candidate, name: `bench-${index}` },
    }),
  };
}

/**
 * One instance of our relay (the build operators run), on SQLite in a fresh
 * temporary data folder unless given one (which it then leaves in place).
 * `env` and `sharedDataDir` are for targets built from several instances
 * (e.g. on a shared bus), which call this once per instance.
 */
/**
 * The benchmark drives one writer at full speed and creates hundreds of
 * rooms from one address: past the relay's limits for one client. They
 * are lifted so that it measures the relay's path, not its refusals.
 */
const BENCHMARK_LIMITS = {
  MAX_MESSAGES_PER_SECOND: '1000000',
  MAX_DOCUMENT_BYTES: String(1024 ** 3),
  ROOMS_PER_ADDRESS_PER_MINUTE: '100000',
};

export async function startRelayInstance(extraEnv: Record<string, string> = {}, sharedDataDir?: string): Promise<RunningTarget> {
  const env = { ...BENCHMARK_LIMITS, ...extraEnv };
  // e.g. RELAY_NODE_ARGS="--cpu-prof --cpu-prof-dir=prof" to profile the relay under the benchmark's load.
  const nodeArgs = process.env.RELAY_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  if (!existsSync(serverEntry)) {
    throw new Error(`the relay benchmark measures the built server, and ${serverEntry} is missing: run "pnpm build" first`);
  }
  const dataDir = sharedDataDir ?? makeTempDir('relay-bench-');
  let server: ServerProcess;
  try {
    server = await startServer({ dataDir, env, nodeArgs });
  } catch (error) {
    if (sharedDataDir === undefined) removeDir(dataDir);
    throw error;
  }
  const { url } = server;
  const pidOf = (instance: ServerProcess) => {
    if (instance.child.pid === undefined) throw new Error('the relay process has no pid');
    return instance.child.pid;
  };
  // A figure taken while the relay was refusing or failing something is not a figure: show why.
  const reportProblems = (instance: ServerProcess) => {
    const problems = instance.logs.filter((entry) => entry.level === 'warn' || entry.level === 'error');
    for (const entry of problems.slice(0, 5)) process.stderr.write(`[relay] ${JSON.stringify(entry)}\n`);
    if (problems.length > 5) process.stderr.write(`[relay] … and ${problems.length - 5} more warnings and errors\n`);
  };
  return {
    url,
    get pids() {
      return [pidOf(server)];
    },
    createRoom: () => createApiRoom(url),
    async restart() {
      await server.stop();
      reportProblems(server);
      // Same folder and port: the rooms and the links handed out stay valid.
      server = await startServer({ dataDir, port: server.port, env, nodeArgs });
    },
    async stop() {
      await server.stop();
      if (sharedDataDir === undefined) removeDir(dataDir);
      reportProblems(server);
    },
  };
}

/** Our relay, one process, SQLite. */
const relaySqlite: Target = {
  name: 'relay',
  description: 'our relay (apps/server/dist), one instance, SQLite in a temporary folder, every update stored before it is relayed',
  holdsDocument: true,
  keepsRoomsAfterLastLeave: true,
  start: () => startRelayInstance(),
};

/** The Yjs reference server's entry, from its package's `bin` (it has no exported start function). */
function referenceServerEntry(): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve('@y/websocket-server/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin: Record<string, string> };
  const bin = manifest.bin['y-websocket-server'];
  if (!bin) throw new Error(`${manifestPath} has no "y-websocket-server" bin`);
  return join(dirname(manifestPath), bin);
}

/** Reads HOST and PORT, prints "running at '<host>' on port <port>" once listening. */
const REFERENCE_LISTENING = /^running at '([^']+)' on port (\d+)/;

/**
 * The Yjs reference server, @y/websocket-server 0.1.1 (0.1.5 needs a Yjs 14
 * prerelease), as its bin runs it: in memory, no persistence (no
 * YPERSISTENCE), no auth. It keeps a document in memory after its last
 * client leaves.
 */
const reference: Target = {
  name: 'reference',
  description: '@y/websocket-server 0.1.1 (the Yjs reference server), in memory, no persistence',
  holdsDocument: true,
  keepsRoomsAfterLastLeave: false,
  async start() {
    const port = await freePort();
    const { url, child, exited } = await spawnServer({
      what: '@y/websocket-server',
      args: [referenceServerEntry()],
      env: { HOST: '127.0.0.1', PORT: String(port) },
      listening: (line) => {
        const match = REFERENCE_LISTENING.exec(line);
        return match ? `http://${match[1]}:${match[2]}` : null;
      },
    });
    return {
      url,
      pids: [child.pid!],
      createRoom: namedRooms(url.replace(/^http/, 'ws'), 'room'),
      stop: () => terminate(child, exited),
    };
  },
};

/** The bare `ws` broadcast server (ceiling-server.ts). */
const ceiling: Target = {
  name: 'ceiling',
  description: 'bare ws broadcast server (bench/relay/ceiling-server.ts): forwards frames, no Yjs, no storage',
  holdsDocument: false,
  keepsRoomsAfterLastLeave: false,
  async start() {
    const { url, child, exited } = await spawnServer({
      what: 'ceiling server',
      // Run through tsx like the benchmark itself; its loader's memory is in the baseline, not in the per-room figures.
      args: ['--import', 'tsx', join(here, 'ceiling-server.ts')],
      env: { HOST: '127.0.0.1', PORT: '0' },
      listening: (line) => {
        try {
          const entry = JSON.parse(line) as { event?: unknown; url?: unknown };
          return entry.event === 'listening' && typeof entry.url === 'string' ? entry.url : null;
        } catch {
          return null;
        }
      },
    });
    return {
      url,
      pids: [child.pid!],
      createRoom: namedRooms(url.replace(/^http/, 'ws'), 'room'),
      stop: () => terminate(child, exited),
    };
  },
};

/**
 * Our relay as two instances sharing rooms through Redis and PostgreSQL,
 * as operators scale it out. Client 0 (the writer) of each room joins one
 * instance and the other clients the other, so every measured update is
 * stored in PostgreSQL and crosses Redis before it reaches a receiver.
 * REDIS_URL / DATABASE_URL name servers to use (a fresh schema is made in
 * the database); else the benchmark starts its own on loopback. The CPU and
 * memory figures are the two relay processes'; Redis and PostgreSQL are not
 * counted.
 */
const relayOnRedis: Target = {
  name: 'relay-redis',
  description: 'our relay as two instances on Redis and PostgreSQL; each room\'s writer on one instance, its readers on the other',
  holdsDocument: true,
  keepsRoomsAfterLastLeave: true,
  async start() {
    const [redis, postgres] = await Promise.all([useRedis(), usePostgres()]);
    const env = (id: string) => ({ REDIS_URL: redis.url, DATABASE_URL: postgres.url, INSTANCE_ID: id });
    const instances: RunningTarget[] = [];
    const release = async () => {
      await Promise.all(instances.map((instance) => instance.stop()));
      await Promise.all([redis.cleanup(), postgres.cleanup()]);
    };
    try {
      instances.push(await startRelayInstance(env('bench-a')));
      instances.push(await startRelayInstance(env('bench-b')));
    } catch (error) {
      await release();
      throw error;
    }
    const [a, b] = instances as [RunningTarget, RunningTarget];
    const wsUrl = (instance: RunningTarget) => `${instance.url.replace(/^http/, 'ws')}/ws`;
    return {
      url: a.url,
      get pids() {
        return [...a.pids, ...b.pids];
      },
      async createRoom() {
        const room = await createApiRoom(a.url);
        return {
          client: (index) => ({ ...room.client(index), serverUrl: wsUrl(index === 0 ? a : b) }),
        };
      },
      async restart() {
        await Promise.all([a.restart!(), b.restart!()]);
      },
      stop: release,
    };
  },
};

/** The targets, in column order. `--only` picks among these names. */
export const TARGETS: readonly Target[] = [relaySqlite, relayOnRedis, reference, ceiling];
