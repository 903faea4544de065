import type { LogLevel } from './config.js';

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/**
 * One JSON line per event on stdout. Callers pass ids and counts, never
 * tokens or program text.
 */
export function createLogger(
  level: LogLevel,
  instance: string | null = null,
  write: (line: string) => void = (line) => process.stdout.write(line),
): Logger {
  const base = instance ? { instance } : {};
  const emit = (at: LogLevel) => (event: string, fields: LogFields = {}) => {
    if (ORDER[at] < ORDER[level]) return;
    write(`${JSON.stringify({ time: new Date().toISOString(), level: at, event, ...base, ...fields })}\n`);
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export function errorFields(error: unknown): LogFields {
  return error instanceof Error ? { error: error.message } : { error: String(error) };
}
