import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable, freePort, spawnService, waitUntilReady, type ServiceChild } from './local-service.js';

/** A private redis-server on loopback, stopped and started again on the same port to simulate an outage. */
export interface RedisProcess {
  /** e.g. redis://127.0.0.1:40123; stays the same across stop() and start(). */
  url: string;
  port: number;
  /** True between a start and the exit that follows it. */
  readonly running: boolean;
  /** SIGTERM and wait for the exit; the port is kept for start(). Nothing is stored, so data is gone. */
  stop(): Promise<void>;
  /** SIGKILL and wait: a crash rather than a shutdown. */
  kill(): Promise<void>;
  /** Starts it again on the same port (no-op while running); resolves once it answers. */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  cleanup(): Promise<void>;
}

const INSTALL_HINT = 'run "pnpm test:deps" (installs Debian\'s redis-server) or put redis-server on PATH';

function redisServerPath(): string {
  const path = findExecutable('redis-server', ['/usr/bin/redis-server', '/usr/local/bin/redis-server']);
  if (!path) throw new Error(`redis-server not found: ${INSTALL_HINT}`);
  return path;
}

/**
 * True once the server on `port` answers as the process `pid`. Checking the
 * pid, not just PING, keeps a start on a taken port from passing against the
 * server already there while ours is still failing to bind.
 */
function answersAs(port: number, pid: number | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setEncoding('utf8');
    socket.once('connect', () => socket.write('*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n'));
    socket.on('data', (chunk: string) => {
      reply += chunk;
      // A bulk string ("$<length>\r\n<text>\r\n") once ready; an error ("-LOADING …") until then.
      const header = /^\$(\d+)\r\n/.exec(reply);
      if (!header) {
        if (reply.includes('\r\n')) finish(false);
        return;
      }
      if (Buffer.byteLength(reply) < header[0].length + Number(header[1])) return;
      finish(pid !== undefined && new RegExp(`^process_id:${pid}\\r?$`, 'm').test(reply));
    });
    socket.once('error', () => finish(false));
    socket.once('close', () => finish(false));
  });
}

/**
 * Starts `redis-server` as a child on 127.0.0.1 (a free port unless one is
 * given), keeping nothing on disk, and resolves once it answers commands.
 */
export async function startRedis(options: { port?: number; timeoutMs?: number } = {}): Promise<RedisProcess> {
  const binary = redisServerPath();
  const port = options.port || (await freePort());
  const timeoutMs = options.timeoutMs ?? 10_000;
  const dir = mkdtempSync(join(tmpdir(), 'interview-redis-'));
  let service: ServiceChild | null = null;

  const start = async (): Promise<void> => {
    if (service?.running()) return;
    // Config from arguments only: no file, no persistence, loopback only, and logs on stdout for errors.
    const next = spawnService(
      binary,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', ''],
      'SIGTERM',
    );
    service = next;
    await waitUntilReady(next, () => answersAs(port, next.child.pid), { what: `redis-server to answer on port ${port}`, timeoutMs });
  };

  await start().catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });

  const redis: RedisProcess = {
    url: `redis://127.0.0.1:${port}`,
    port,
    get running() {
      return service?.running() ?? false;
    },
    async stop() {
      await service?.stop('SIGTERM');
    },
    async kill() {
      await service?.stop('SIGKILL');
    },
    start,
    async cleanup() {
      await service?.stop('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return redis;
}

/**
 * The Redis a test should use: REDIS_URL when the environment provides one
 * (cleanup does nothing: it is not ours to stop), else a private server.
 * A shared server is shared with other tests too, so keep keys and channels
 * unique per test.
 */
export async function useRedis(): Promise<{ url: string; cleanup(): Promise<void> }> {
  const fromEnv = process.env.REDIS_URL;
  if (fromEnv) return { url: fromEnv, cleanup: async () => {} };
  const redis = await startRedis();
  return { url: redis.url, cleanup: () => redis.cleanup() };
}
