import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { resolve } from 'node:path';

/** Everything an operator can set, read once from the environment at start. */
export interface Config {
  port: number;
  host: string;
  /** Where the SQLite database lives. */
  dataDir: string;
  /** Base of the links handed out, e.g. https://interview.example.com; else from the request. */
  publicUrl: string | null;
  /** Largest WebSocket frame accepted, in bytes. */
  maxMessageBytes: number;
  /** Stored updates after which a room's state is snapshotted, so loading stays fast. */
  snapshotEvery: number;
  /** Time between pings; a socket that has not answered the previous one is cut, and its presence goes. */
  heartbeatMs: number;
  /** Bytes waiting to be sent to one socket past which it is cut: a client that stopped reading. */
  maxSendBufferBytes: number;
  /** Messages one connection may send per second, sustained; a burst of twice as many passes. */
  maxMessagesPerSecond: number;
  /** Encoded size a room's document (per channel) may grow to; updates that would pass it are refused. */
  maxDocumentBytes: number;
  /** Connections one room channel takes on this instance; the next is refused. */
  maxParticipantsPerRoom: number;
  /** Rooms one client address may create per sliding minute; past it, 429. */
  roomsPerAddressPerMinute: number;
  /** Characters of output one run may stream to the room; the runner's client truncates below it. */
  maxRunOutputChars: number;
  /** Where browsers load the Python runtime from instead of this server (a mirror), if set. */
  pyodideBase: string | null;
  /** Directory of the built web app; absent in API-only deployments. */
  webDistDir: string;
  logLevel: LogLevel;
  /** When set, creating rooms and the question bank need it in `X-Interviewer-Passcode`; null: the instance is open. */
  interviewerPasscode: string | null;
  /** Wrong interviewer passcodes accepted per client address per minute; past it, 429. */
  passcodeAttemptsPerMinute: number;
  /**
   * When set, instances share rooms through this Redis (pub/sub); null: this
   * instance serves its rooms alone. Only with `databaseUrl`: instances that
   * share rooms must share their storage.
   */
  redisUrl: string | null;
  /** When set, storage is this PostgreSQL database instead of SQLite in `dataDir`. */
  databaseUrl: string | null;
  /** Names this instance in logs and health. */
  instanceId: string;
  /** How long a stop (SIGTERM, SIGINT) may take before the process exits anyway, with code 1. */
  shutdownTimeoutMs: number;
  /** When set, `/metrics` needs it as a bearer token; null: `/metrics` is open. */
  metricsToken: string | null;
  /**
   * Which proxies' X-Forwarded-For / -Proto / -Host to believe, as express's
   * `trust proxy` takes it: a number of hops, or addresses, CIDR ranges and
   * the names loopback, linklocal, uniquelocal. False: none.
   */
  trustProxy: false | number | string[];
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export class ConfigError extends Error {}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function publicUrl(raw: string | undefined): string | null {
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`PUBLIC_URL must be an absolute http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`PUBLIC_URL must use http or https, got "${raw}"`);
  }
  return url.origin + url.pathname.replace(/\/+$/, '');
}

function pyodideBase(raw: string | undefined): string | null {
  if (!raw) return null;
  // A path on this server, or an absolute http(s) URL of a mirror.
  if (!raw.startsWith('/') && !/^https?:\/\//.test(raw)) {
    throw new ConfigError(`PYODIDE_BASE must be a path or an http(s) URL, got "${raw}"`);
  }
  return raw.endsWith('/') ? raw : `${raw}/`;
}

function interviewerPasscode(raw: string | undefined): string | null {
  if (raw === undefined || raw === '') return null;
  // It travels in an HTTP header, which carries printable ASCII safely; never echo it in the error.
  if (!/^[\x20-\x7e]{1,256}$/.test(raw) || raw.trim() !== raw) {
    throw new ConfigError('INTERVIEWER_PASSCODE must be 1 to 256 printable ASCII characters, without leading or trailing spaces');
  }
  return raw;
}

function serviceUrl(env: NodeJS.ProcessEnv, name: string, protocols: readonly string[]): string | null {
  const raw = env[name];
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // Never echo the value: it may carry a password.
    throw new ConfigError(`${name} must be a URL (${protocols.map((p) => `${p}//…`).join(' or ')})`);
  }
  if (!protocols.includes(url.protocol)) throw new ConfigError(`${name} must use ${protocols.join(' or ')}, got "${url.protocol}"`);
  return raw;
}

function metricsToken(raw: string | undefined): string | null {
  if (raw === undefined || raw === '') return null;
  // Wrong tokens are not rate-limited, so it must be long enough not to be guessed; never echo it.
  if (!/^[\x21-\x7e]{16,256}$/.test(raw)) {
    throw new ConfigError('METRICS_TOKEN must be 16 to 256 printable ASCII characters without spaces');
  }
  return raw;
}

const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

function trustProxy(raw: string | undefined): false | number | string[] {
  if (raw === undefined || raw === '') return false;
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops < 1 || hops > 16) throw new ConfigError(`TRUST_PROXY as a number of proxies must be from 1 to 16, got "${raw}"`);
    return hops;
  }
  const entries = raw.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    const [address, bits, extra] = entry.split('/');
    const family = isIP(address ?? '');
    const maxBits = family === 6 ? 128 : 32;
    const rangeOk = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= maxBits);
    if (!PROXY_RANGE_NAMES.includes(entry) && (family === 0 || !rangeOk || extra !== undefined)) {
      throw new ConfigError(
        `TRUST_PROXY must be a number of proxies, or a comma-separated list of addresses, CIDR ranges and ${PROXY_RANGE_NAMES.join(', ')}; "${entry.slice(0, 60)}" is none of them`,
      );
    }
  }
  return entries;
}

function instanceId(raw: string | undefined): string {
  if (!raw) return `${hostname()}-${process.pid}`;
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(raw)) throw new ConfigError(`INSTANCE_ID must be 1 to 64 letters, digits, '.', '_' or '-', got "${raw.slice(0, 80)}"`);
  return raw;
}

export function loadConfig(env: NodeJS.ProcessEnv, defaults: { webDistDir: string }): Config {
  const logLevel = (env.LOG_LEVEL || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const redisUrl = serviceUrl(env, 'REDIS_URL', ['redis:', 'rediss:']);
  const databaseUrl = serviceUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  if (redisUrl && !databaseUrl) {
    // On SQLite every instance would keep its own copy of each room's history, so rooms would only look shared.
    throw new ConfigError(
      'REDIS_URL needs DATABASE_URL: instances that share rooms through Redis must also share one PostgreSQL database (on SQLite each keeps its own history); set DATABASE_URL, or unset REDIS_URL for a single instance',
    );
  }
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: env.HOST || '0.0.0.0',
    dataDir: resolve(env.DATA_DIR || 'data'),
    publicUrl: publicUrl(env.PUBLIC_URL),
    maxMessageBytes: integer(env, 'MAX_MESSAGE_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    snapshotEvery: integer(env, 'SNAPSHOT_EVERY', 500, 10, 1_000_000),
    heartbeatMs: integer(env, 'HEARTBEAT_MS', 30_000, 100, 300_000),
    // 16 MiB: several times the largest document a joiner is sent, far below what a server can hold per socket.
    maxSendBufferBytes: integer(env, 'MAX_SEND_BUFFER_BYTES', 16 * 1024 * 1024, 64 * 1024, 1024 * 1024 * 1024),
    // 300/s is several times what a person typing while their code prints produces (about 60 output events a second at most).
    maxMessagesPerSecond: integer(env, 'MAX_MESSAGES_PER_SECOND', 300, 1, 1_000_000),
    // 8 MiB: hundreds of times an interview's program, with its edit history.
    maxDocumentBytes: integer(env, 'MAX_DOCUMENT_BYTES', 8 * 1024 * 1024, 64 * 1024, 1024 * 1024 * 1024),
    maxParticipantsPerRoom: integer(env, 'MAX_PARTICIPANTS_PER_ROOM', 32, 1, 100_000),
    roomsPerAddressPerMinute: integer(env, 'ROOMS_PER_ADDRESS_PER_MINUTE', 30, 1, 100_000),
    // Twice what the web app streams before it truncates a run's output itself.
    maxRunOutputChars: integer(env, 'MAX_RUN_OUTPUT_CHARS', 2 * 1024 * 1024, 1024, 256 * 1024 * 1024),
    pyodideBase: pyodideBase(env.PYODIDE_BASE),
    webDistDir: resolve(env.WEB_DIST_DIR || defaults.webDistDir),
    logLevel,
    interviewerPasscode: interviewerPasscode(env.INTERVIEWER_PASSCODE),
    passcodeAttemptsPerMinute: integer(env, 'PASSCODE_ATTEMPTS_PER_MINUTE', 10, 1, 10_000),
    redisUrl,
    databaseUrl,
    instanceId: instanceId(env.INSTANCE_ID),
    // Under Docker's and Kubernetes' usual grace periods (10 s, 30 s) with room to spare after a long room flush.
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 8_000, 100, 600_000),
    metricsToken: metricsToken(env.METRICS_TOKEN),
    trustProxy: trustProxy(env.TRUST_PROXY),
  };
}
