import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** A PostgreSQL database (or schema) of a test's own. */
export interface PostgresDatabase {
  /** A connection URL; with a `search_path` option when the data lives in a schema of its own. */
  url: string;
  /** Drops what was created (the schema, or the whole private server and its files). */
  cleanup(): Promise<void>;
}

/** A PostgreSQL server started for one test file, on a loopback port, with trust authentication. */
export interface PrivatePostgres extends PostgresDatabase {
  port: number;
  /** What the server has logged so far (the tail, when it logged a lot). */
  log(): string;
  /**
   * Stops the server and keeps its data: `fast` is a clean shutdown,
   * `immediate` a crash (no checkpoint; the next start recovers from the WAL).
   */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again on the same data and port, after `stop`. */
  start(): Promise<void>;
}

const DATABASE = 'interview_test';
const START_TIMEOUT_MS = 20_000;
const LOG_LIMIT = 64 * 1024;
/** Standard Debian install locations, one folder per major version. */
const DEBIAN_POSTGRES_ROOT = '/usr/lib/postgresql';

/**
 * The database tests should use: a fresh schema in `DATABASE_URL` when it
 * is set (a CI service, a developer's server), else a private server.
 */
export async function usePostgres(): Promise<PostgresDatabase> {
  const shared = process.env.DATABASE_URL;
  return shared ? usePostgresSchema(shared) : startPrivatePostgres();
}

/**
 * A fresh schema `t_<random hex>` in the database at `databaseUrl`, and a
 * URL whose connections use only it (`options=-c search_path=…`, which pg
 * sends at connect), so that tests sharing one database never see each
 * other's tables. Cleanup drops the schema and everything in it.
 */
export async function usePostgresSchema(databaseUrl: string): Promise<PostgresDatabase> {
  const schema = `t_${randomBytes(8).toString('hex')}`;
  await withClient(databaseUrl, (client) => client.query(`CREATE SCHEMA ${client.escapeIdentifier(schema)}`));
  return {
    url: withSearchPath(databaseUrl, schema),
    cleanup: () => withClient(databaseUrl, (client) => client.query(`DROP SCHEMA IF EXISTS ${client.escapeIdentifier(schema)} CASCADE`)),
  };
}

/** `databaseUrl` with its search_path set to `schema` alone, keeping any other options. */
export function withSearchPath(databaseUrl: string, schema: string): string {
  const url = new URL(databaseUrl);
  const others = (url.searchParams.get('options') ?? '').replace(/-c\s*search_path=\S+/g, '').trim();
  url.searchParams.set('options', [others, `-c search_path=${schema}`].filter(Boolean).join(' '));
  return url.toString();
}

async function withClient(databaseUrl: string, use: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`cannot connect to the test database ${redacted(databaseUrl)}: ${String(error)}`, { cause: error });
  }
  try {
    await use(client);
  } finally {
    await client.end();
  }
}

function redacted(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/** The folder holding `initdb` and `postgres`: pg_config's answer, else the newest Debian install. */
export function findPostgresBinaries(): string {
  const candidates: string[] = [];
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    // No pg_config on the PATH: only the Debian locations are left.
  }
  if (existsSync(DEBIAN_POSTGRES_ROOT)) {
    const versions = readdirSync(DEBIAN_POSTGRES_ROOT)
      .filter((name) => /^\d+(\.\d+)?$/.test(name))
      .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
    candidates.push(...versions.map((version) => join(DEBIAN_POSTGRES_ROOT, version, 'bin')));
  }
  // pg_config may come from libpq's development files alone, without a server beside it.
  const found = candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres')));
  if (!found) {
    throw new Error(
      `no PostgreSQL server binaries (initdb, postgres) found through pg_config --bindir or in ${DEBIAN_POSTGRES_ROOT}/*/bin: ` +
        "install Debian's postgresql package (apt-get install postgresql), or set DATABASE_URL to a database where tests may create schemas",
    );
  }
  return found;
}

/** A port that was free a moment ago; the server takes it right after. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not find a free port'))));
    });
  });
}

/** PostgreSQL refuses to run as root: as root, every command runs as the `postgres` user. */
interface RunAs {
  wrap(command: string, args: string[]): [string, string[]];
  /** Hands a folder to the user the server runs as. */
  own(dir: string): void;
}

function runAs(): RunAs {
  if (process.getuid?.() !== 0) return { wrap: (command, args) => [command, args], own: () => undefined };
  let uid: number;
  let gid: number;
  try {
    uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  } catch (error) {
    throw new Error("running as root, the test PostgreSQL must run as the user 'postgres', which does not exist (install Debian's postgresql package)", {
      cause: error,
    });
  }
  return {
    wrap: (command, args) => ['runuser', ['-u', 'postgres', '--', command, ...args]],
    own: (dir) => chownSync(dir, uid, gid),
  };
}

function runToEnd(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(' ')} failed (${code ?? signal}):\n${output}`));
    });
  });
}

/** Postmasters still running, stopped if the test process exits without cleaning up. */
const running = new Set<number>();
let exitHookInstalled = false;
function stopAllOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const pid of running) {
      try {
        process.kill(pid, 'SIGQUIT');
      } catch {
        // Already gone.
      }
    }
  });
}

/**
 * Starts a PostgreSQL server of its own in a temporary folder (initdb,
 * trust authentication, fsync off: test data need not survive a power
 * loss), listening on 127.0.0.1 and a free port, and creates a database.
 * For tests that stop, crash or restart the database; others use
 * `usePostgres`.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = findPostgresBinaries();
  const as = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'interview-pg-'));
  const dataDir = join(dir, 'data');
  let server: { child: ChildProcess; exited: Promise<void> } | null = null;
  let log = '';

  const cleanup = async (): Promise<void> => {
    await stop('fast').catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };

  async function start(): Promise<void> {
    if (server) throw new Error('the private PostgreSQL is already running');
    const [command, args] = as.wrap(join(bin, 'postgres'), [
      '-D', dataDir,
      '-k', dir,
      '-h', '127.0.0.1',
      '-p', String(port),
      '-F',
    ]);
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const append = (chunk: string): void => {
      log = (log + chunk).slice(-LOG_LIMIT);
    };
    child.stdout!.setEncoding('utf8').on('data', append);
    child.stderr!.setEncoding('utf8').on('data', append);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.once('error', (error) => append(`\n${String(error)}\n`));
    server = { child, exited };
    let gone = false;
    void exited.then(() => (gone = true));

    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (gone) {
        server = null;
        throw new Error(`the private PostgreSQL exited before accepting connections:\n${log}`);
      }
      const probe = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
      try {
        await probe.connect();
        await probe.query('SELECT 1');
        await probe.end();
        break;
      } catch {
        await probe.end().catch(() => undefined);
      }
      if (Date.now() > deadline) {
        await stop('immediate').catch(() => undefined);
        throw new Error(`the private PostgreSQL did not accept connections within ${START_TIMEOUT_MS} ms:\n${log}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const pid = postmasterPid();
    if (pid !== null) running.add(pid);
  }

  function postmasterPid(): number | null {
    try {
      const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      return Number.isInteger(pid) && pid > 0 ? pid : null;
    } catch {
      return null;
    }
  }

  async function stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    if (!server) return;
    const { child, exited } = server;
    // Signalled directly: under runuser, the child we spawned is runuser, not the postmaster.
    const pid = postmasterPid();
    const signal = mode === 'fast' ? 'SIGINT' : 'SIGQUIT';
    try {
      if (pid !== null) process.kill(pid, signal);
      else child.kill(signal);
    } catch {
      // It exited on its own.
    }
    await exited;
    if (pid !== null) running.delete(pid);
    server = null;
  }

  let port = 0;
  try {
    as.own(dir);
    const [initdb, initArgs] = as.wrap(join(bin, 'initdb'), [
      '-D', dataDir,
      '-U', 'postgres',
      '-A', 'trust',
      '-E', 'UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    await runToEnd(initdb, initArgs);
    port = await freePort();
    stopAllOnExit();
    await start();
    await withClient(`postgres://postgres@127.0.0.1:${port}/postgres`, (client) => client.query(`CREATE DATABASE ${DATABASE}`));
  } catch (error) {
    await cleanup();
    throw error;
  }

  return {
    url: `postgres://postgres@127.0.0.1:${port}/${DATABASE}`,
    port,
    log: () => log,
    stop,
    start,
    cleanup,
  };
}
