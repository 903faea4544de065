import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** The built server entry; tests run against the same artefact operators run. */
export const serverEntry = join(repoRoot, 'apps/server/dist/main.js');

export interface ServerProcess {
  /** e.g. http://127.0.0.1:40123 */
  url: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  /** Every line the server wrote to stdout, parsed where it was JSON. */
  logs: Array<Record<string, unknown>>;
  /** Resolves with the exit code (or signal) once the process has exited. */
  exited: Promise<number | NodeJS.Signals | null>;
  /** SIGTERM and wait; the data folder is kept. */
  stop(): Promise<void>;
  /** SIGKILL and wait: a crash. */
  kill(): Promise<void>;
}

export interface StartOptions {
  /** Reuse a data folder (to restart on the same storage); a fresh one otherwise. */
  dataDir?: string;
  /** Reuse a port (to restart behind the same URL). 0 picks a free one. */
  port?: number;
  env?: Record<string, string>;
  /** Options for Node itself, before the entry (e.g. `--cpu-prof`, which NODE_OPTIONS does not take). */
  nodeArgs?: string[];
  timeoutMs?: number;
}

export function makeTempDir(prefix = 'interview-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Starts `apps/server/dist/main.js` as a child process and resolves once it
 * logs that it is listening. Fails with the server's output if it exits first.
 */
export function startServer(options: StartOptions = {}): Promise<ServerProcess> {
  const dataDir = options.dataDir ?? makeTempDir();
  // REDIS_URL and DATABASE_URL in the test environment name shared services
  // for useRedis() and usePostgres(); a server gets them only through
  // `options.env`, so that one left in the shell does not join every test's
  // server to it (and REDIS_URL alone is refused at start).
  const { REDIS_URL: _redis, DATABASE_URL: _database, ...inherited } = process.env;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), serverEntry], {
    env: {
      ...inherited,
      HOST: '127.0.0.1',
      PORT: String(options.port ?? 0),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  const exited = new Promise<number | NodeJS.Signals | null>((done) => {
    child.once('exit', (code, signal) => done(code ?? signal));
  });

  return new Promise((resolveStart, rejectStart) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rejectStart(new Error(`server did not start within ${options.timeoutMs ?? 15000} ms\n${stderr}`));
    }, options.timeoutMs ?? 15000);

    let buffered = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        let entry: Record<string, unknown>;
        try {
          entry = JSON.parse(line) as Record<string, unknown>;
        } catch {
          entry = { message: line };
        }
        logs.push(entry);
        if (entry.event === 'listening' && typeof entry.url === 'string') {
          clearTimeout(timer);
          const url = entry.url;
          const port = Number(new URL(url).port);
          resolveStart({
            url,
            port,
            dataDir,
            child,
            logs,
            exited,
            async stop() {
              if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
              await exited;
            },
            async kill() {
              if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
              await exited;
            },
          });
        }
      }
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      stderr += chunk;
    });
    void exited.then((code) => {
      clearTimeout(timer);
      rejectStart(new Error(`server exited (${String(code)}) before listening\n${stderr}`));
    });
  });
}
