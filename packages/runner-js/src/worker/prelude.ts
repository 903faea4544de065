/**
 * The worker prelude: evaluated at the top of every run's worker script,
 * before the user's code, which follows it wrapped in an async function
 * handed to `start`. It installs the console, tracks the program's timers to
 * know when it has ended (like Node: top level finished and no timer
 * pending), reports uncaught errors, and talks to the harness over a private
 * MessagePort.
 *
 * User code shares this global scope, so the port is the one secret: it is
 * taken from the first trusted message before user listeners can see it, and
 * only ever used through built-ins captured here, before user code could
 * replace them. Whatever the user posts on `self.postMessage` reaches a
 * harness that does not listen to it. The build wraps this bundle in a strict
 * function, so stack inspection (`Error.prepareStackTrace`) sees neither the
 * prelude's functions nor their receivers.
 */
import { inspect } from '../format/inspect.js';
import { isError } from '../format/brand.js';
import { decodeInitMessage, type OutputChunk, type WorkerToHarness } from '../messages.js';
import { OUTPUT_LIMIT_CHARS } from '../limits.js';
import { mapStack, userLine, type ScriptLayout } from '../stack-mapping.js';
import { createConsole } from './console.js';
import { OutputChannel } from './output-channel.js';

declare const self: DedicatedWorkerGlobalScope;

type AnyFunction = (...args: never[]) => unknown;

function getter(proto: object, key: PropertyKey): AnyFunction {
  const get = Object.getOwnPropertyDescriptor(proto, key)?.get;
  if (get === undefined) throw new Error(`the sandbox needs ${String(key)} on ${String(proto)}`);
  return get as AnyFunction;
}

// ---------------------------------------------------------------- captured built-ins

const { apply } = Reflect;
const createObject = Object.create;
const defineProperty = Object.defineProperty;
const portPostMessage = MessagePort.prototype.postMessage;
const messageEventData = getter(MessageEvent.prototype, 'data');
const messageEventPorts = getter(MessageEvent.prototype, 'ports');
const errorEventError = getter(ErrorEvent.prototype, 'error');
const errorEventMessage = getter(ErrorEvent.prototype, 'message');
const errorEventLine = getter(ErrorEvent.prototype, 'lineno');
const rejectionReason = getter(PromiseRejectionEvent.prototype, 'reason');
const stopImmediatePropagation = Event.prototype.stopImmediatePropagation;
const preventDefault = Event.prototype.preventDefault;
const addEventListener = EventTarget.prototype.addEventListener;
const promiseThen = Promise.prototype.then;
const nativeSetTimeout = self.setTimeout;
const nativeSetInterval = self.setInterval;
const nativeClearTimeout = self.clearTimeout;
const performanceNow = Performance.prototype.now;
const performanceObject = self.performance;
const scriptUrl = self.location.href;

const now = (): number => apply(performanceNow, performanceObject, []) as number;
const later = (callback: () => void, delayMs: number): void => {
  apply(nativeSetTimeout, self, [callback, delayMs]);
};

// ---------------------------------------------------------------- state

let port: MessagePort | null = null;
/** Messages written before the harness's port arrived (only code that escaped the wrapper runs that early). */
const beforePort: WorkerToHarness[] = [];
let layout: ScriptLayout = { scriptUrl, lineOffset: 0, userLineCount: 0 };
let userMain: (() => Promise<unknown>) | null = null;
let begun = false;
let finished = false;
let topLevelDone = false;
let startedAt = now();
// A null-prototype record, so no setter user code puts on Object.prototype sees the ids.
const pendingTimers = createObject(null) as Record<number, true>;
let pendingTimerCount = 0;
let idleCheckPending = false;

function send(message: WorkerToHarness): void {
  if (port === null) {
    beforePort[beforePort.length] = message;
    return;
  }
  apply(portPostMessage, port, [message]);
}

const output = new OutputChannel({
  limit: OUTPUT_LIMIT_CHARS,
  post: (chunks: OutputChunk[], truncated: boolean) => send({ type: 'output', chunks, truncated }),
  now,
  schedule: later,
});

const mapToUser = (stack: string): string => mapStack(stack, layout).stack;

// ---------------------------------------------------------------- ending the run

function finish(status: 'ok' | 'error', error: string | null, errorLine: number | null): void {
  if (finished) return;
  finished = true;
  output.close();
  send({ type: 'done', status, error, errorLine, durationMs: Math.max(0, now() - startedAt) });
}

function describeThrown(value: unknown, scriptLine: number | null, prefix: string): { text: string; line: number | null } {
  const fallbackLine = scriptLine === null ? null : userLine(scriptLine, layout);
  if (typeof value === 'object' && value !== null && isError(value)) {
    let firstUserLine: number | null = null;
    const text = inspect(value, {
      mapStack: (stack) => {
        const mapped = mapStack(stack, layout);
        firstUserLine ??= mapped.firstUserLine;
        return mapped.stack;
      },
    });
    return { text, line: firstUserLine ?? fallbackLine };
  }
  return { text: `${prefix} ${inspect(value, { mapStack: mapToUser })}`, line: fallbackLine };
}

function fail(value: unknown, scriptLine: number | null, prefix: string): void {
  if (finished) return;
  let described: { text: string; line: number | null };
  try {
    described = describeThrown(value, scriptLine, prefix);
  } catch {
    described = { text: `${prefix} (an error that could not be printed)`, line: null };
  }
  finish('error', described.text, described.line);
}

/**
 * Ends the run once the top level has finished and no timer is pending.
 * Checked two tasks later: an unhandled rejection from the last microtasks
 * is reported in a task queued after the first one (measured: with one hop
 * such runs always ended "ok"). The second hop also waits a millisecond, so
 * the check never depends on how the browser orders its task queues.
 */
function scheduleIdleCheck(): void {
  if (finished || !topLevelDone || idleCheckPending) return;
  idleCheckPending = true;
  later(() => {
    later(() => {
      idleCheckPending = false;
      if (!finished && topLevelDone && pendingTimerCount === 0) finish('ok', null, null);
    }, 1);
  }, 0);
}

// ---------------------------------------------------------------- timers

function forget(id: number): void {
  if (pendingTimers[id] === true) {
    delete pendingTimers[id];
    pendingTimerCount--;
  }
}

function remember(id: number): void {
  pendingTimers[id] = true;
  pendingTimerCount++;
}

type TimerHandler = (...args: unknown[]) => unknown;

function trackedSetTimeout(handler: unknown, delay?: unknown, ...args: unknown[]): number {
  // A string handler would be eval'd; the sandbox's CSP refuses that, so let the browser say so.
  if (typeof handler !== 'function') return apply(nativeSetTimeout, self, [handler, delay, ...args]) as number;
  if (finished) return 0;
  const id = apply(nativeSetTimeout, self, [
    () => {
      forget(id);
      if (finished) return;
      try {
        apply(handler as TimerHandler, self, args);
      } finally {
        scheduleIdleCheck();
      }
    },
    delay,
  ]) as number;
  remember(id);
  return id;
}

function trackedSetInterval(handler: unknown, delay?: unknown, ...args: unknown[]): number {
  if (typeof handler !== 'function') return apply(nativeSetInterval, self, [handler, delay, ...args]) as number;
  if (finished) return 0;
  const id = apply(nativeSetInterval, self, [
    () => {
      if (finished) return;
      apply(handler as TimerHandler, self, args);
    },
    delay,
  ]) as number;
  remember(id);
  return id;
}

// Timeout and interval ids share one pool in browsers, so either clear works for both.
function trackedClear(id?: unknown): void {
  if (typeof id === 'number') forget(id);
  apply(nativeClearTimeout, self, [id]);
  scheduleIdleCheck();
}

// ---------------------------------------------------------------- events

function onMessage(event: MessageEvent): void {
  // Untrusted events are the user's own dispatchEvent calls: never take a port from those.
  if (!event.isTrusted) return;
  apply(stopImmediatePropagation, event, []);
  if (port !== null) return;
  const ports = apply(messageEventPorts, event, []) as readonly MessagePort[];
  const decoded = decodeInitMessage(apply(messageEventData, event, []));
  const candidate = ports[0];
  if (!decoded.ok || candidate === undefined) return;
  port = candidate;
  layout = { scriptUrl, lineOffset: decoded.message.lineOffset, userLineCount: decoded.message.userLineCount };
  for (let i = 0; i < beforePort.length; i++) apply(portPostMessage, port, [beforePort[i]]);
  beforePort.length = 0;
  begin();
}

function onError(event: ErrorEvent): void {
  if (!event.isTrusted) return;
  // Handled here: the harness would otherwise see it again as a worker error.
  apply(preventDefault, event, []);
  const error = apply(errorEventError, event, []);
  const line = apply(errorEventLine, event, []) as number;
  if (error === null || error === undefined) {
    // `throw undefined`, or an error the browser did not expose: its message says enough.
    const message = String(apply(errorEventMessage, event, []) ?? '') || 'Uncaught error';
    if (!finished) finish('error', message, line > 0 ? userLine(line, layout) : null);
    return;
  }
  fail(error, line > 0 ? line : null, 'Uncaught');
}

function onUnhandledRejection(event: PromiseRejectionEvent): void {
  if (!event.isTrusted) return;
  apply(preventDefault, event, []);
  fail(apply(rejectionReason, event, []), null, 'Unhandled promise rejection:');
}

// Capturing listeners added first run before any listener user code adds.
apply(addEventListener, self, ['message', onMessage, true]);
apply(addEventListener, self, ['error', onError, true]);
apply(addEventListener, self, ['unhandledrejection', onUnhandledRejection, true]);

// ---------------------------------------------------------------- the user's globals

const sandboxConsole = createConsole({
  write: (stream, text) => {
    if (!finished) output.write(stream, text);
  },
  get accepting() {
    return !finished && output.accepting;
  },
  now,
  mapStack: mapToUser,
});

function defineGlobal(name: string, value: unknown): void {
  defineProperty(self, name, { value, writable: true, configurable: true, enumerable: false });
}

// The worker's own channel to the harness is closed to user code. The harness
// does not listen to it anyway; without it a program cannot even flood it.
// Operations of a [Global] interface are own properties of the global object.
delete (self as Partial<DedicatedWorkerGlobalScope>).postMessage;
delete (DedicatedWorkerGlobalScope.prototype as Partial<DedicatedWorkerGlobalScope>).postMessage;

defineGlobal('console', sandboxConsole);
defineGlobal('setTimeout', trackedSetTimeout);
defineGlobal('setInterval', trackedSetInterval);
defineGlobal('clearTimeout', trackedClear);
defineGlobal('clearInterval', trackedClear);
// `close()` is how a worker exits; treat it like Node's process.exit().
defineGlobal('close', function close(): void {
  finish('ok', null, null);
});

// A blob worker of an opaque-origin frame is not a secure context, so the
// browser leaves out crypto.randomUUID (and crypto.subtle, which cannot be
// replaced). A version 4 UUID needs only getRandomValues, which remains.
if (typeof crypto === 'object' && typeof crypto.randomUUID !== 'function' && typeof crypto.getRandomValues === 'function') {
  const getRandomValues = crypto.getRandomValues.bind(crypto);
  defineProperty(crypto, 'randomUUID', {
    value: function randomUUID(): string {
      const bytes = getRandomValues(new Uint8Array(16));
      bytes[6] = (bytes[6]! & 0x0f) | 0x40;
      bytes[8] = (bytes[8]! & 0x3f) | 0x80;
      const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    },
    writable: true,
    configurable: true,
    enumerable: true,
  });
}

// ---------------------------------------------------------------- start

function begin(): void {
  if (begun || userMain === null || port === null) return;
  begun = true;
  startedAt = now();
  apply(promiseThen, userMain(), [
    () => {
      topLevelDone = true;
      scheduleIdleCheck();
    },
    (error: unknown) => fail(error, null, 'Uncaught'),
  ]);
}

/** Called by the worker script with the user's code; it runs once the harness's port has arrived. */
export function start(main: () => Promise<unknown>): void {
  if (userMain !== null) return;
  userMain = main;
  begin();
}
