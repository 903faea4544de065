// What the launchers of real servers (Redis, nginx) share: finding the
// binary, a free loopback port, a child process whose output is kept for the
// error message, and waiting until it accepts connections. Not exported from
// the package: the launchers are its API.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { delimiter, join } from 'node:path';

/** The first executable `name` on PATH, else the first existing fallback; null when there is none. */
export function findExecutable(name: string, fallbacks: readonly string[] = []): string | null {
  const onPath = (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, name));
  for (const candidate of [...onPath, ...fallbacks]) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not there or not executable: try the next one.
    }
  }
  return null;
}

/**
 * A port nothing listens on right now. Another process could take it before
 * the caller binds it; on a test machine that race is rare, and the caller's
 * start fails loudly (the child exits) rather than talking to a stranger.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => (port > 0 ? resolve(port) : reject(new Error('could not read the probe port'))));
    });
  });
}

/** True once a TCP connection to 127.0.0.1:port succeeds. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface ServiceChild {
  /** The binary, for messages. */
  command: string;
  child: ChildProcess;
  /** Resolves with the exit code (or signal) once the process has exited and its output is read. */
  exited: Promise<number | NodeJS.Signals | null>;
  /** What it wrote to stdout and stderr so far, for error messages. */
  output(): string;
  running(): boolean;
  /** Sends `signal` (default: the service's stop signal) unless it has exited, and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

// Children still running when the test process exits would outlive it and
// hold their ports; 'exit' allows only synchronous work, which kill() is.
const live = new Map<ChildProcess, NodeJS.Signals>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const [child, signal] of live) child.kill(signal);
  });
}

/**
 * Spawns a server as a child. `stopSignal` is what stop() sends by default
 * and what the child gets if the test process exits first: SIGKILL would
 * orphan the workers of a server that has them (nginx), so such a server
 * names the signal that makes it stop them.
 */
export function spawnService(command: string, args: readonly string[], stopSignal: NodeJS.Signals): ServiceChild {
  installExitHook();
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: string): void => {
    // The tail is what explains a failure; a chatty server must not grow this forever.
    output = (output + chunk).slice(-64 * 1024);
  };
  child.stdout!.setEncoding('utf8').on('data', keep);
  child.stderr!.setEncoding('utf8').on('data', keep);
  live.set(child, stopSignal);
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => {
    child.once('error', (error) => {
      keep(`${String(error)}\n`);
      live.delete(child);
      resolve(null);
    });
    child.once('exit', () => live.delete(child));
    // 'close' comes after 'exit' once the pipes are drained, so output() then holds the last words.
    child.once('close', (code, signal) => {
      live.delete(child);
      resolve(code ?? signal);
    });
  });
  const running = (): boolean => live.has(child);
  return {
    command,
    child,
    exited,
    output: () => output,
    running,
    async stop(signal = stopSignal) {
      if (running()) child.kill(signal);
      await exited;
    },
  };
}

/**
 * Polls `ready()` until it holds, failing at once (with the child's output)
 * if the child exits first, and after `timeoutMs` otherwise. On failure the
 * child is stopped with its exit signal.
 */
export async function waitUntilReady(
  service: ServiceChild,
  ready: () => Promise<boolean>,
  { what, timeoutMs }: { what: string; timeoutMs: number },
): Promise<void> {
  let exitCode: number | NodeJS.Signals | null | undefined;
  void service.exited.then((code) => {
    exitCode = code;
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exitCode !== undefined) {
      throw new Error(`${service.command} exited (${String(exitCode)}) before ${what}\n${service.output()}`);
    }
    if (await ready()) return;
    if (Date.now() > deadline) {
      await service.stop();
      throw new Error(`${service.command}: timed out after ${timeoutMs} ms waiting for ${what}\n${service.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
