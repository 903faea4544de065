import { formatLogArgs } from '../format/format-args.js';
import { inspect, type InspectOptions } from '../format/inspect.js';
import { formatTable } from '../format/table.js';
import type { OutputStream } from '../messages.js';

export interface ConsoleSink {
  write(stream: OutputStream, text: string): void;
  /** False when output is no longer wanted (limit reached): formatting is skipped. */
  readonly accepting: boolean;
  now(): number;
  /** Maps a stack from worker-script positions to user positions. */
  mapStack(stack: string): string;
}

/** The console methods user code may call, all usable unbound (`arr.forEach(console.log)`). */
export type SandboxConsole = Record<
  | 'log'
  | 'info'
  | 'debug'
  | 'warn'
  | 'error'
  | 'trace'
  | 'dir'
  | 'dirxml'
  | 'table'
  | 'assert'
  | 'count'
  | 'countReset'
  | 'group'
  | 'groupCollapsed'
  | 'groupEnd'
  | 'time'
  | 'timeEnd'
  | 'timeLog'
  | 'clear',
  (...args: unknown[]) => void
>;

const GROUP_INDENT = '  ';

/** Node's rendering of `console.time` durations. */
export function formatDuration(ms: number): string {
  if (ms >= 60_000) {
    const minutes = Math.floor(ms / 60_000);
    const [seconds, millis] = ((ms % 60_000) / 1000).toFixed(3).split('.');
    return `${minutes}:${seconds!.padStart(2, '0')}.${millis} (m:ss.mmm)`;
  }
  if (ms >= 1000) return `${(ms / 1000).toFixed(3)}s`;
  return `${Number(ms.toFixed(3))}ms`;
}

function label(value: unknown): string {
  return value === undefined ? 'default' : `${String(value)}`;
}

/**
 * A console that formats like Node's and writes to `sink`: log, info, debug,
 * dir, table, count and time go to stdout; warn, error, trace and failed
 * asserts to stderr, as in Node.
 */
export function createConsole(sink: ConsoleSink): SandboxConsole {
  const inspectOptions: InspectOptions = { mapStack: (stack) => sink.mapStack(stack) };
  let indent = '';
  const counts = new Map<string, number>();
  const timers = new Map<string, number>();

  const emit = (stream: OutputStream, text: string): void => {
    if (indent !== '') text = indent + text.replace(/\n/g, `\n${indent}`);
    sink.write(stream, `${text}\n`);
  };
  const print =
    (stream: OutputStream) =>
    (...args: unknown[]): void => {
      if (!sink.accepting) return;
      emit(stream, formatLogArgs(args, inspectOptions));
    };
  const log = print('stdout');
  const warn = print('stderr');

  const elapsed = (name: string, method: string): number | null => {
    const start = timers.get(name);
    if (start === undefined) {
      warn(`No such label '${name}' for console.${method}()`);
      return null;
    }
    return sink.now() - start;
  };

  const trace = (...args: unknown[]): void => {
    if (!sink.accepting) return;
    const holder = { name: 'Trace', message: formatLogArgs(args, inspectOptions), stack: '' };
    const capture = (Error as { captureStackTrace?: (target: object, constructorOpt?: unknown) => void }).captureStackTrace;
    if (capture) capture(holder, trace);
    else holder.stack = `Trace: ${holder.message}\n${(new Error().stack ?? '').split('\n').slice(2).join('\n')}`;
    emit('stderr', sink.mapStack(String(holder.stack)));
  };

  return {
    log,
    info: log,
    debug: log,
    dirxml: log,
    warn,
    error: warn,
    trace,
    dir(value?: unknown, options?: unknown) {
      if (!sink.accepting) return;
      const extra = typeof options === 'object' && options !== null ? (options as InspectOptions) : {};
      emit('stdout', inspect(value, { ...extra, mapStack: inspectOptions.mapStack }));
    },
    table(data?: unknown, properties?: unknown) {
      if (!sink.accepting) return;
      const columns = Array.isArray(properties) ? properties.map((p) => String(p)) : undefined;
      const table = formatTable(data, columns, inspectOptions);
      if (table === null) log(data);
      else emit('stdout', table);
    },
    assert(condition?: unknown, ...data: unknown[]) {
      if (condition) return;
      if (typeof data[0] === 'string') warn(`Assertion failed: ${data[0]}`, ...data.slice(1));
      else warn('Assertion failed', ...data);
    },
    count(name?: unknown) {
      const key = label(name);
      const count = (counts.get(key) ?? 0) + 1;
      counts.set(key, count);
      log(`${key}: ${count}`);
    },
    countReset(name?: unknown) {
      const key = label(name);
      if (counts.has(key)) counts.set(key, 0);
      else warn(`Count for '${key}' does not exist`);
    },
    group(...data: unknown[]) {
      if (data.length > 0) log(...data);
      indent += GROUP_INDENT;
    },
    groupCollapsed(...data: unknown[]) {
      if (data.length > 0) log(...data);
      indent += GROUP_INDENT;
    },
    groupEnd() {
      indent = indent.slice(0, Math.max(0, indent.length - GROUP_INDENT.length));
    },
    time(name?: unknown) {
      const key = label(name);
      if (timers.has(key)) {
        warn(`Label '${key}' already exists for console.time()`);
        return;
      }
      timers.set(key, sink.now());
    },
    timeEnd(name?: unknown) {
      const key = label(name);
      const ms = elapsed(key, 'timeEnd');
      if (ms === null) return;
      timers.delete(key);
      log('%s: %s', key, formatDuration(ms));
    },
    timeLog(name?: unknown, ...data: unknown[]) {
      const key = label(name);
      const ms = elapsed(key, 'timeLog');
      if (ms === null) return;
      log('%s: %s', key, formatDuration(ms), ...data);
    },
    // Output is a shared transcript, not a terminal: there is nothing to clear.
    clear() {},
  };
}
