import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from './config.js';
import { createLogger, errorFields } from './log.js';
import { seedBuiltInQuestions } from './questions/question-bank.js';
import { createAppServer } from './server.js';
import { RedisBus } from './bus/redis-bus.js';
import type { Logger } from './log.js';
import { PostgresRoomStore } from './storage/postgres-store.js';
import type { Backends } from './server.js';
import { SqliteRoomStore } from './storage/sqlite-store.js';
import type { Config } from './config.js';

const here = dirname(fileURLToPath(import.meta.url));

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env, { webDistDir: resolve(here, '../../web/dist') });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel, config.instanceId);
  const backends = await openBackends(config, logger);
  const builtInQuestionsAdded = await seedBuiltInQuestions(backends.store);
  if (builtInQuestionsAdded > 0) logger.info('built-in-questions-added', { count: builtInQuestionsAdded });
  const server = createAppServer(config, backends, logger);
  const url = await server.listen();
  logger.info('listening', {
    url,
    storage: backends.storage,
    ...(backends.storage === 'sqlite' ? { dataDir: config.dataDir } : {}),
    bus: backends.bus ? backends.bus.state : 'local',
    passcodeRequired: config.interviewerPasscode !== null,
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting-down', { signal });
    // Storage that stopped answering must not keep the process alive until the orchestrator kills it unannounced.
    setTimeout(() => {
      logger.error('shutdown-timed-out', { signal, timeoutMs: config.shutdownTimeoutMs });
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    server.shutdown().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error('shutdown-failed', errorFields(error));
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/** SQLite in the data folder unless DATABASE_URL names PostgreSQL; a Redis bus when REDIS_URL is set. */
async function openBackends(config: Config, logger: Logger): Promise<Backends> {
  const store = config.databaseUrl
    ? await PostgresRoomStore.open(config.databaseUrl, { onIdleError: (error) => logger.warn('storage-connection-lost', errorFields(error)) })
    : new SqliteRoomStore(config.dataDir, {
        onCheckpointerFailure: (error) => logger.warn('storage-checkpointer-failed', { ...errorFields(error), fallback: 'checkpoints on the relay thread' }),
      });
  const bus = config.redisUrl ? await RedisBus.connect(config.redisUrl, logger) : null;
  if (config.databaseUrl && !bus) logger.info('single-instance', { reason: 'DATABASE_URL is set without REDIS_URL: rooms are not shared with other instances' });
  return { store, storage: config.databaseUrl ? 'postgres' : 'sqlite', bus };
}

main().catch((error: unknown) => {
  process.stderr.write(`failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
