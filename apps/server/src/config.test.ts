import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const defaults = { webDistDir: '/opt/app/web/dist' };

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env, defaults);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw new Error(`expected a ConfigError, got ${String(error)}`);
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('uses the documented defaults for an empty environment', () => {
    expect(loadConfig({}, defaults)).toEqual({
      port: 3000,
      host: '0.0.0.0',
      dataDir: resolve('data'),
      publicUrl: null,
      maxMessageBytes: 1024 * 1024,
      snapshotEvery: 500,
      heartbeatMs: 30_000,
      maxSendBufferBytes: 16 * 1024 * 1024,
      maxMessagesPerSecond: 300,
      maxDocumentBytes: 8 * 1024 * 1024,
      maxParticipantsPerRoom: 32,
      roomsPerAddressPerMinute: 30,
      maxRunOutputChars: 2 * 1024 * 1024,
      pyodideBase: null,
      webDistDir: resolve('/opt/app/web/dist'),
      logLevel: 'info',
      interviewerPasscode: null,
      passcodeAttemptsPerMinute: 10,
      redisUrl: null,
      databaseUrl: null,
      instanceId: `${hostname()}-${process.pid}`,
      shutdownTimeoutMs: 8000,
      metricsToken: null,
      trustProxy: false,
    });
  });

  it('reads every variable', () => {
    const config = loadConfig(
      {
        PORT: '8080',
        HOST: '127.0.0.1',
        DATA_DIR: '/var/lib/interview',
        PUBLIC_URL: 'https://interviews.example.com',
        MAX_MESSAGE_BYTES: '65536',
        SNAPSHOT_EVERY: '50',
        HEARTBEAT_MS: '5000',
        MAX_SEND_BUFFER_BYTES: '1048576',
        MAX_MESSAGES_PER_SECOND: '50',
        MAX_DOCUMENT_BYTES: '262144',
        MAX_PARTICIPANTS_PER_ROOM: '4',
        ROOMS_PER_ADDRESS_PER_MINUTE: '5',
        MAX_RUN_OUTPUT_CHARS: '65536',
        PYODIDE_BASE: 'https://cdn.example.com/pyodide/v0.28.0',
        WEB_DIST_DIR: '/srv/web',
        LOG_LEVEL: 'debug',
        INTERVIEWER_PASSCODE: 'correct horse battery staple',
        PASSCODE_ATTEMPTS_PER_MINUTE: '3',
        REDIS_URL: 'redis://:secret@redis.internal:6379/2',
        DATABASE_URL: 'postgres://interview:secret@db.internal:5432/interview',
        INSTANCE_ID: 'relay-1',
        SHUTDOWN_TIMEOUT_MS: '25000',
        METRICS_TOKEN: 'scrape-me-0123456789',
        TRUST_PROXY: 'loopback, 10.0.0.0/8',
      },
      defaults,
    );
    expect(config).toEqual({
      port: 8080,
      host: '127.0.0.1',
      dataDir: '/var/lib/interview',
      publicUrl: 'https://interviews.example.com',
      maxMessageBytes: 65536,
      snapshotEvery: 50,
      heartbeatMs: 5000,
      maxSendBufferBytes: 1024 * 1024,
      maxMessagesPerSecond: 50,
      maxDocumentBytes: 256 * 1024,
      maxParticipantsPerRoom: 4,
      roomsPerAddressPerMinute: 5,
      maxRunOutputChars: 65536,
      pyodideBase: 'https://cdn.example.com/pyodide/v0.28.0/',
      webDistDir: '/srv/web',
      logLevel: 'debug',
      interviewerPasscode: 'correct horse battery staple',
      passcodeAttemptsPerMinute: 3,
      redisUrl: 'redis://:secret@redis.internal:6379/2',
      databaseUrl: 'postgres://interview:secret@db.internal:5432/interview',
      instanceId: 'relay-1',
      shutdownTimeoutMs: 25_000,
      metricsToken: 'scrape-me-0123456789',
      trustProxy: ['loopback', '10.0.0.0/8'],
    });
  });

  it('refuses a Redis or database URL that is not one, without echoing a password', () => {
    expect(configError({ REDIS_URL: 'http://:hunter2@redis:6379' }).message).toMatch(/REDIS_URL must use redis: or rediss:/);
    const error = configError({ DATABASE_URL: 'not a url hunter2' });
    expect(error.message).toMatch(/DATABASE_URL must be a URL/);
    expect(error.message).not.toContain('hunter2');
    expect(configError({ DATABASE_URL: 'mysql://db/x' }).message).toMatch(/DATABASE_URL must use postgres: or postgresql:/);
    expect(configError({ INSTANCE_ID: 'two words' }).message).toMatch(/INSTANCE_ID must be/);
  });

  it('refuses REDIS_URL without DATABASE_URL: instances sharing rooms must share storage', () => {
    for (const env of [{ REDIS_URL: 'redis://:hunter2@redis:6379' }, { REDIS_URL: 'redis://:hunter2@redis:6379', DATABASE_URL: '' }]) {
      const error = configError(env);
      expect(error.message).toMatch(/^REDIS_URL needs DATABASE_URL/);
      expect(error.message).not.toContain('hunter2');
    }
    // PostgreSQL alone is one instance, without the bus.
    const single = loadConfig({ DATABASE_URL: 'postgres://db/interview' }, defaults);
    expect(single.databaseUrl).toBe('postgres://db/interview');
    expect(single.redisUrl).toBeNull();
    // A malformed REDIS_URL is still reported as such first.
    expect(configError({ REDIS_URL: 'http://redis:6379' }).message).toMatch(/REDIS_URL must use redis: or rediss:/);
  });

  it('refuses an interviewer passcode that cannot travel in a header, without echoing it', () => {
    for (const bad of [' padded', 'tab\tinside', 'naïve', 'x'.repeat(257)]) {
      const error = configError({ INTERVIEWER_PASSCODE: bad });
      expect(error.message).toMatch(/INTERVIEWER_PASSCODE must be/);
      expect(error.message).not.toContain(bad);
    }
  });

  it('refuses a metrics token that is short or holds spaces, without echoing it', () => {
    for (const bad of ['short-token', 'has a space in it, long enough', 'x'.repeat(257)]) {
      const error = configError({ METRICS_TOKEN: bad });
      expect(error.message).toMatch(/METRICS_TOKEN must be 16 to 256/);
      expect(error.message).not.toContain(bad);
    }
  });

  it('takes TRUST_PROXY as a number of hops or a list of addresses, ranges and range names', () => {
    expect(loadConfig({ TRUST_PROXY: '1' }, defaults).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '127.0.0.1,::1,fd00::/8,uniquelocal' }, defaults).trustProxy).toEqual(['127.0.0.1', '::1', 'fd00::/8', 'uniquelocal']);
    for (const bad of ['0', '17', 'true', 'everyone', '10.0.0.0/33', '10.0.0.1/8/1', 'proxy.internal']) {
      expect(configError({ TRUST_PROXY: bad }).message).toMatch(/TRUST_PROXY/);
    }
  });

  it('resolves relative directories against the working directory', () => {
    const config = loadConfig({ DATA_DIR: 'var/data', WEB_DIST_DIR: 'web' }, defaults);
    expect(config.dataDir).toBe(resolve('var/data'));
    expect(config.webDistDir).toBe(resolve('web'));
  });

  it('accepts the bounds of each integer', () => {
    expect(loadConfig({ PORT: '0' }, defaults).port).toBe(0);
    expect(loadConfig({ PORT: '65535' }, defaults).port).toBe(65535);
    expect(loadConfig({ MAX_MESSAGE_BYTES: '1024' }, defaults).maxMessageBytes).toBe(1024);
    expect(loadConfig({ MAX_MESSAGE_BYTES: String(64 * 1024 * 1024) }, defaults).maxMessageBytes).toBe(64 * 1024 * 1024);
    expect(loadConfig({ SNAPSHOT_EVERY: '10' }, defaults).snapshotEvery).toBe(10);
    expect(loadConfig({ SNAPSHOT_EVERY: '1000000' }, defaults).snapshotEvery).toBe(1_000_000);
    expect(loadConfig({ HEARTBEAT_MS: '100' }, defaults).heartbeatMs).toBe(100);
    expect(loadConfig({ HEARTBEAT_MS: '300000' }, defaults).heartbeatMs).toBe(300_000);
    expect(loadConfig({ MAX_SEND_BUFFER_BYTES: '65536' }, defaults).maxSendBufferBytes).toBe(65536);
    expect(loadConfig({ MAX_SEND_BUFFER_BYTES: String(1024 ** 3) }, defaults).maxSendBufferBytes).toBe(1024 ** 3);
    expect(loadConfig({ MAX_MESSAGES_PER_SECOND: '1' }, defaults).maxMessagesPerSecond).toBe(1);
    expect(configError({ MAX_MESSAGES_PER_SECOND: '0' }).message).toMatch(/MAX_MESSAGES_PER_SECOND must be an integer from 1/);
    expect(loadConfig({ MAX_DOCUMENT_BYTES: '65536' }, defaults).maxDocumentBytes).toBe(65536);
    expect(configError({ MAX_DOCUMENT_BYTES: '65535' }).message).toMatch(/MAX_DOCUMENT_BYTES/);
    expect(loadConfig({ MAX_PARTICIPANTS_PER_ROOM: '1' }, defaults).maxParticipantsPerRoom).toBe(1);
    expect(configError({ ROOMS_PER_ADDRESS_PER_MINUTE: '1.5' }).message).toMatch(/ROOMS_PER_ADDRESS_PER_MINUTE/);
    expect(configError({ MAX_RUN_OUTPUT_CHARS: '1023' }).message).toMatch(/MAX_RUN_OUTPUT_CHARS must be an integer from 1024/);
    expect(loadConfig({ PASSCODE_ATTEMPTS_PER_MINUTE: '1' }, defaults).passcodeAttemptsPerMinute).toBe(1);
    expect(loadConfig({ PASSCODE_ATTEMPTS_PER_MINUTE: '10000' }, defaults).passcodeAttemptsPerMinute).toBe(10_000);
  });

  it('treats an empty variable as unset, for every variable', () => {
    const empty = {
      PORT: '',
      HOST: '',
      DATA_DIR: '',
      PUBLIC_URL: '',
      MAX_MESSAGE_BYTES: '',
      SNAPSHOT_EVERY: '',
      HEARTBEAT_MS: '',
      MAX_SEND_BUFFER_BYTES: '',
      MAX_MESSAGES_PER_SECOND: '',
      MAX_DOCUMENT_BYTES: '',
      MAX_PARTICIPANTS_PER_ROOM: '',
      ROOMS_PER_ADDRESS_PER_MINUTE: '',
      MAX_RUN_OUTPUT_CHARS: '',
      PYODIDE_BASE: '',
      WEB_DIST_DIR: '',
      LOG_LEVEL: '',
      PASSCODE_ATTEMPTS_PER_MINUTE: '',
      INTERVIEWER_PASSCODE: '',
      REDIS_URL: '',
      DATABASE_URL: '',
      INSTANCE_ID: '',
      SHUTDOWN_TIMEOUT_MS: '',
      METRICS_TOKEN: '',
      TRUST_PROXY: '',
    };
    expect(loadConfig(empty, defaults)).toEqual(loadConfig({}, defaults));
  });

  it('normalizes PUBLIC_URL to origin and path without a trailing slash, dropping query and fragment', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://example.com/' }, defaults).publicUrl).toBe('https://example.com');
    expect(loadConfig({ PUBLIC_URL: 'https://example.com/interviews//' }, defaults).publicUrl).toBe('https://example.com/interviews');
    expect(loadConfig({ PUBLIC_URL: 'http://localhost:8080/x?y=1#z' }, defaults).publicUrl).toBe('http://localhost:8080/x');
    expect(loadConfig({ PUBLIC_URL: 'HTTPS://Example.COM:443' }, defaults).publicUrl).toBe('https://example.com');
  });

  it('takes PYODIDE_BASE as a path on this server or an http(s) mirror, always ending in a slash', () => {
    expect(loadConfig({ PYODIDE_BASE: '/pyodide' }, defaults).pyodideBase).toBe('/pyodide/');
    expect(loadConfig({ PYODIDE_BASE: '/pyodide/' }, defaults).pyodideBase).toBe('/pyodide/');
    expect(loadConfig({ PYODIDE_BASE: 'http://mirror.local/py' }, defaults).pyodideBase).toBe('http://mirror.local/py/');
  });

  it.each([
    ['PORT', 'http'],
    ['PORT', '-1'],
    ['PORT', '65536'],
    ['PORT', '80.5'],
    ['PORT', 'NaN'],
    ['MAX_MESSAGE_BYTES', '1023'],
    ['MAX_MESSAGE_BYTES', String(64 * 1024 * 1024 + 1)],
    ['MAX_MESSAGE_BYTES', '1mb'],
    ['SNAPSHOT_EVERY', '9'],
    ['SNAPSHOT_EVERY', '1000001'],
    ['SNAPSHOT_EVERY', 'Infinity'],
    ['PASSCODE_ATTEMPTS_PER_MINUTE', '0'],
    ['PASSCODE_ATTEMPTS_PER_MINUTE', '10001'],
    ['PASSCODE_ATTEMPTS_PER_MINUTE', '2.5'],
    ['LOG_LEVEL', 'verbose'],
    ['LOG_LEVEL', 'INFO'],
    ['PUBLIC_URL', 'interviews.example.com'],
    ['PUBLIC_URL', '/relative'],
    ['PUBLIC_URL', 'ftp://example.com'],
    ['PUBLIC_URL', 'javascript:alert(1)'],
    ['PYODIDE_BASE', 'cdn.example.com/pyodide'],
    ['PYODIDE_BASE', 'ftp://mirror.example.com/pyodide/'],
    ['PYODIDE_BASE', 'javascript:alert(1)'],
  ])('refuses %s=%s with a ConfigError that names the variable', (name, value) => {
    const error = configError({ [name]: value });
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toContain(name);
  });

  it('quotes the bad value for integers and URLs, and gives the allowed range', () => {
    expect(configError({ PORT: '99999' }).message).toBe('PORT must be an integer from 0 to 65535, got "99999"');
    expect(configError({ PUBLIC_URL: 'ftp://x' }).message).toContain('"ftp://x"');
    expect(configError({ LOG_LEVEL: 'loud' }).message).toContain('debug, info, warn, error');
  });
});
