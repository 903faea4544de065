import { afterEach, describe, expect, it } from 'vitest';
import { startRedis, waitFor, type RedisProcess } from '@interview/test-support';
import { RedisBus } from '../src/bus/redis-bus.js';
import type { Logger } from '../src/log.js';

/** The bus's log lines at info and above (every failed attempt is debug), as "level event". */
function recordingLogger(): { logger: Logger; lines: string[]; count(event: string): number } {
  const lines: string[] = [];
  const record = (level: string) => (event: string) => void lines.push(`${level} ${event}`);
  return {
    logger: { debug() {}, info: record('info'), warn: record('warn'), error: record('error') },
    lines,
    count: (event) => lines.filter((line) => line.endsWith(` ${event}`)).length,
  };
}

describe('RedisBus logs', () => {
  let redis: RedisProcess | null = null;
  let bus: RedisBus | null = null;

  afterEach(async () => {
    await bus?.close();
    await redis?.cleanup();
    bus = redis = null;
  });

  it('logs every outage once and every return, not only the first outage of the process', async () => {
    redis = await startRedis();
    const log = recordingLogger();
    bus = await RedisBus.connect(redis.url, log.logger);
    expect(bus.state).toBe('connected');
    for (let outage = 1; outage <= 3; outage++) {
      await redis.kill();
      await waitFor(() => bus!.state === 'disconnected' && log.count('bus-disconnected') === outage, { what: `outage ${outage} to be logged` });
      await redis.start();
      await waitFor(() => log.count('bus-reconnected') === outage, { what: `return ${outage} to be logged` });
    }
    expect(log.lines).toEqual([
      'info bus-connected',
      'warn bus-disconnected',
      'info bus-reconnected',
      'warn bus-disconnected',
      'info bus-reconnected',
      'warn bus-disconnected',
      'info bus-reconnected',
    ]);
  });

  it('logs a Redis missing at start, its arrival, then a later outage', async () => {
    redis = await startRedis();
    await redis.stop();
    const log = recordingLogger();
    bus = await RedisBus.connect(redis.url, log.logger, { startTimeoutMs: 200 });
    expect(bus.state).toBe('disconnected');
    expect(log.lines).toEqual(['warn bus-disconnected']);
    await redis.start();
    await waitFor(() => bus!.state === 'connected', { what: 'the bus to connect' });
    await redis.kill();
    await waitFor(() => log.count('bus-disconnected') === 2, { what: 'the outage to be logged' });
    expect(log.lines).toEqual(['warn bus-disconnected', 'info bus-connected', 'warn bus-disconnected']);
  });
});
