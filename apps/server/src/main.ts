import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from './config.js';
import { createLogger, errorFields } from './log.js';
import { seedBuiltInQuestions } from './questions/question-bank.js';
import { createAppServer } from './server.js';
import { SqliteRoomStore } from './storage/sqlite-store.js';

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
  const logger = createLogger(config.logLevel);
  const store = new SqliteRoomStore(config.dataDir);
  const builtInQuestionsAdded = await seedBuiltInQuestions(store);
  if (builtInQuestionsAdded > 0) logger.info('built-in-questions-added', { count: builtInQuestionsAdded });
  const server = createAppServer(config, store, logger);
  const url = await server.listen();
  logger.info('listening', { url, dataDir: config.dataDir, storage: 'sqlite', passcodeRequired: config.interviewerPasscode !== null });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting-down', { signal });
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

main().catch((error: unknown) => {
  process.stderr.write(`failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
