import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { accepts, findExecutable, freePort, spawnService, waitUntilReady } from './local-service.js';

const deployDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../deploy/nginx');
/** The server block operators deploy; tests run it unchanged but for its listen line. */
const nginxServerConfig = join(deployDir, 'interview-room.conf');
/** The compose upstream; tests take its failover parameters (max_fails, fail_timeout) for their own servers. */
const nginxUpstreamConfig = join(deployDir, 'upstream.compose.conf');

const FALLBACKS = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx'];

/** True when an nginx binary is on PATH or at a standard location. */
export function nginxAvailable(): boolean {
  return findExecutable('nginx', FALLBACKS) !== null;
}

function nginxPath(): string {
  const path = findExecutable('nginx', FALLBACKS);
  if (!path) throw new Error('nginx not found: run "pnpm test:deps" (installs Debian\'s nginx) or put nginx on PATH');
  return path;
}

export interface NginxProcess {
  /** e.g. http://127.0.0.1:40123 */
  url: string;
  port: number;
  /** Fast shutdown (SIGTERM: open sockets are closed, as when a load balancer dies) and wait for the exit; removes its folder. */
  stop(): Promise<void>;
}

export interface NginxOptions {
  /** The relays behind it, as 'host:port', balanced round-robin as in production. */
  upstreams: string[];
  /** 0 or absent: a free one. */
  port?: number;
  timeoutMs?: number;
}

/** The one literal line the deployed server block must contain; a changed config fails here rather than listening on 8080. */
const LISTEN_LINE = /^([ \t]*)listen 8080;[ \t]*$/m;

/** interview-room.conf with only its listen line replaced. */
function testServerBlock(port: number): string {
  const text = readFileSync(nginxServerConfig, 'utf8');
  const matches = text.match(new RegExp(LISTEN_LINE.source, 'gm')) ?? [];
  if (matches.length !== 1) {
    throw new Error(`${nginxServerConfig} must contain exactly one "listen 8080;" line for tests to replace; found ${matches.length}`);
  }
  return text.replace(LISTEN_LINE, `$1listen 127.0.0.1:${port};`);
}

/**
 * The failover parameters on the compose upstream's first `server` line
 * ("max_fails=1 fail_timeout=5s"), read rather than duplicated so tests see
 * the failover timing operators get. Only those: `resolve` re-resolves
 * Docker's service names, while the tests' servers are loopback addresses
 * in an upstream without a shared-memory zone, and the nginx a developer has
 * may predate it (1.27.3).
 */
function upstreamServerParameters(): string {
  const text = readFileSync(nginxUpstreamConfig, 'utf8').replace(/#.*$/gm, '');
  const server = /^\s*server\s+\S+([^;]*);/m.exec(text);
  if (!server) throw new Error(`${nginxUpstreamConfig} has no "server" line to take parameters from`);
  return server[1]!
    .trim()
    .split(/\s+/)
    .filter((parameter) => /^(max_fails|fail_timeout)=/.test(parameter))
    .join(' ');
}

function testMainConfig(prefix: string, upstreams: readonly string[]): string {
  const path = (name: string): string => join(prefix, name);
  const parameters = upstreamServerParameters();
  const servers = upstreams.map((upstream) => {
    if (!/^[^\s;{}#]+:\d+$/.test(upstream)) throw new RangeError(`upstream must be "host:port", got "${upstream}"`);
    return `        server ${upstream}${parameters ? ` ${parameters}` : ''};`;
  });
  // Run as root, nginx would start its workers as nobody, who cannot enter a
  // private temp folder; the workers only proxy loopback traffic for a test.
  const user = process.getuid?.() === 0 ? 'user root;\n' : '';
  return `${user}worker_processes 1;
pid ${path('nginx.pid')};
error_log ${path('error.log')} warn;

events {
    worker_connections 1024;
}

http {
    client_body_temp_path ${path('client_body')};
    proxy_temp_path ${path('proxy')};
    fastcgi_temp_path ${path('fastcgi')};
    uwsgi_temp_path ${path('uwsgi')};
    scgi_temp_path ${path('scgi')};

    upstream interview_relays {
${servers.join('\n')}
    }

    include ${path('interview-room.conf')};
    access_log ${path('access.log')} interview_room;
}
`;
}

/**
 * Starts nginx in front of `upstreams` with the repo's
 * deploy/nginx/interview-room.conf, listening on 127.0.0.1, and resolves
 * once the port accepts connections. Everything it writes stays in a
 * temporary prefix folder.
 */
export async function startNginx(options: NginxOptions): Promise<NginxProcess> {
  if (options.upstreams.length === 0) throw new RangeError('startNginx needs at least one upstream');
  const binary = nginxPath();
  const port = options.port || (await freePort());
  const prefix = mkdtempSync(join(tmpdir(), 'interview-nginx-'));
  const remove = (): void => rmSync(prefix, { recursive: true, force: true });
  let config: string;
  try {
    for (const dir of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi', 'logs']) mkdirSync(join(prefix, dir));
    writeFileSync(join(prefix, 'interview-room.conf'), testServerBlock(port));
    config = join(prefix, 'nginx.conf');
    writeFileSync(config, testMainConfig(prefix, options.upstreams));
  } catch (error) {
    remove();
    throw error;
  }

  // SIGTERM, not SIGKILL: the master then stops its workers, which would otherwise outlive it.
  const service = spawnService(binary, ['-p', `${prefix}/`, '-c', config, '-g', 'daemon off;'], 'SIGTERM');
  try {
    // nginx writes its pid file only once it holds its port; without that
    // check a taken port would pass while nginx retries the bind.
    const ready = async (): Promise<boolean> => pidFileNames(prefix, service.child.pid) && (await accepts(port));
    await waitUntilReady(service, ready, { what: `nginx to accept on port ${port}`, timeoutMs: options.timeoutMs ?? 10_000 });
  } catch (error) {
    const log = readErrorLog(prefix);
    remove();
    throw error instanceof Error && log ? new Error(`${error.message}\nerror.log:\n${log}`) : error;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    async stop() {
      await service.stop('SIGTERM');
      remove();
    },
  };
}

function readErrorLog(prefix: string): string {
  try {
    return readFileSync(join(prefix, 'error.log'), 'utf8').slice(-8192);
  } catch {
    return '';
  }
}

function pidFileNames(prefix: string, pid: number | undefined): boolean {
  try {
    return pid !== undefined && readFileSync(join(prefix, 'nginx.pid'), 'utf8').trim() === String(pid);
  } catch {
    return false;
  }
}
