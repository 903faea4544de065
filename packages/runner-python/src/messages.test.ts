import { describe, expect, it } from 'vitest';
import {
  decodeHarnessMessage,
  decodeHostMessage,
  decodeWorkerCommand,
  decodeWorkerEvent,
  isRunId,
  Limits,
  RUNTIME_FILES,
  type Decoded,
} from './messages.js';

const files = () => Object.fromEntries(RUNTIME_FILES.map((name) => [name, new ArrayBuffer(4)]));
const reason = <T>(decoded: Decoded<T>): string => (decoded.ok ? 'ok' : decoded.reason);

describe('decodeHostMessage (what the harness accepts from its parent)', () => {
  it('accepts every command and copies only known fields', () => {
    const run = decodeHostMessage({ type: 'run', runId: 'r-1', code: 'print(1)', extra: { evil: true } });
    expect(run).toEqual({ ok: true, value: { type: 'run', runId: 'r-1', code: 'print(1)' } });
    expect(decodeHostMessage({ type: 'input', runId: 'r_1', text: 'x' }).ok).toBe(true);
    expect(decodeHostMessage({ type: 'interrupt', runId: 'R1' }).ok).toBe(true);
    expect(decodeHostMessage({ type: 'restart' })).toEqual({ ok: true, value: { type: 'restart' } });
    const boot = decodeHostMessage({ type: 'boot', files: files() });
    expect(boot.ok && boot.value.type === 'boot' && Object.keys(boot.value.files)).toEqual([...RUNTIME_FILES]);
  });

  it('names what is wrong', () => {
    expect(reason(decodeHostMessage(null))).toBe('a message must be an object');
    expect(reason(decodeHostMessage(['run']))).toBe('a message must be an object');
    expect(reason(decodeHostMessage({ type: 7 }))).toBe('message.type must be a string');
    expect(reason(decodeHostMessage({ type: 'output' }))).toBe('unknown message type "output"');
    expect(reason(decodeHostMessage({ type: 'run', runId: 'a b', code: '' }))).toMatch(/^runId must be/);
    expect(reason(decodeHostMessage({ type: 'run', runId: 'x'.repeat(65), code: '' }))).toMatch(/runId is longer than 64/);
    expect(reason(decodeHostMessage({ type: 'run', runId: 'a', code: 1 }))).toBe('code must be a string');
    expect(reason(decodeHostMessage({ type: 'run', runId: 'a', code: 'x'.repeat(Limits.codeLength + 1) }))).toMatch(/code is longer/);
    expect(reason(decodeHostMessage({ type: 'input', runId: 'a', text: 'x'.repeat(Limits.inputLength + 1) }))).toMatch(/text is longer/);
    const missing = files();
    delete missing['pyodide.asm.wasm'];
    expect(reason(decodeHostMessage({ type: 'boot', files: missing }))).toBe('files["pyodide.asm.wasm"] must be an ArrayBuffer');
    expect(reason(decodeHostMessage({ type: 'boot', files: { ...files(), 'pyodide.mjs': 'code' } }))).toMatch(/pyodide\.mjs/);
  });
});

describe('decodeWorkerEvent (the sandbox exit gate)', () => {
  it('accepts the worker’s events', () => {
    expect(decodeWorkerEvent({ type: 'ready', bootMs: 1800 }).ok).toBe(true);
    expect(decodeWorkerEvent({ type: 'boot-failed', error: 'x' }).ok).toBe(true);
    expect(decodeWorkerEvent({ type: 'input-request', runId: 'a', prompt: 'name? ' }).ok).toBe(true);
    const done = decodeWorkerEvent({ type: 'run-done', runId: 'a', result: { status: 'error', error: 'E', errorLine: 3 } });
    expect(done).toEqual({ ok: true, value: { type: 'run-done', runId: 'a', result: { status: 'error', error: 'E', errorLine: 3 } } });
  });

  it('refuses what only the harness may send, and malformed results', () => {
    for (const type of ['harness-ready', 'runtime-ready', 'output', 'boot', 'run', 'restart']) {
      expect(reason(decodeWorkerEvent({ type, runId: 'a', chunks: [] }))).toBe(`unknown message type "${type}"`);
    }
    const result = (r: unknown) => reason(decodeWorkerEvent({ type: 'run-done', runId: 'a', result: r }));
    expect(result({ status: 'stopped', error: null, errorLine: null })).toMatch(/result\.status must be one of/);
    expect(result({ status: 'ok', error: null, errorLine: 0 })).toMatch(/errorLine must be a positive integer/);
    expect(result({ status: 'ok', error: null, errorLine: 1.5 })).toMatch(/errorLine/);
    expect(result({ status: 'ok', error: 5, errorLine: null })).toBe('error must be a string');
    expect(result(undefined)).toBe('result must be an object');
    expect(reason(decodeWorkerEvent({ type: 'ready', bootMs: -1 }))).toBe('bootMs must be a non-negative number');
    expect(reason(decodeWorkerEvent({ type: 'ready', bootMs: Number.NaN }))).toBe('bootMs must be a non-negative number');
  });
});

describe('decodeHarnessMessage (what the host accepts from its frame)', () => {
  it('accepts output batches within bounds', () => {
    const output = decodeHarnessMessage({ type: 'output', runId: 'a', chunks: [{ stream: 'stdout', text: 'hi\n' }, { stream: 'stderr', text: '!' }] });
    expect(output.ok).toBe(true);
    expect(decodeHarnessMessage({ type: 'harness-ready', crossOriginIsolated: true }).ok).toBe(true);
    expect(decodeHarnessMessage({ type: 'runtime-failed', error: 'x' }).ok).toBe(true);
  });

  it('refuses bad chunks and oversized batches', () => {
    const chunks = (c: unknown) => reason(decodeHarnessMessage({ type: 'output', runId: 'a', chunks: c }));
    expect(chunks('text')).toBe('chunks must be an array');
    expect(chunks([{ stream: 'stdin', text: '' }])).toBe('chunks[0].stream must be "stdout" or "stderr"');
    expect(chunks([null])).toBe('chunks[0] must be an object');
    const half = 'x'.repeat(Limits.batchLength / 2 + 1);
    expect(chunks([{ stream: 'stdout', text: half }, { stream: 'stdout', text: half }])).toMatch(/chunks hold more than/);
    expect(reason(decodeHarnessMessage({ type: 'harness-ready', crossOriginIsolated: 'yes' }))).toBe('crossOriginIsolated must be a boolean');
  });
});

describe('decodeWorkerCommand', () => {
  it('needs shared memory for boot', () => {
    const channels = { control: new SharedArrayBuffer(16), input: new SharedArrayBuffer(16), output: new SharedArrayBuffer(64) };
    const { port1: events, port2 } = new MessageChannel();
    expect(decodeWorkerCommand({ type: 'boot', files: files(), channels, events }).ok).toBe(true);
    expect(reason(decodeWorkerCommand({ type: 'boot', files: files(), channels: { ...channels, output: new ArrayBuffer(64) }, events }))).toBe(
      'channels.output must be a SharedArrayBuffer',
    );
    expect(reason(decodeWorkerCommand({ type: 'boot', files: files(), channels, events: {} }))).toBe('events must be a MessagePort');
    events.close();
    port2.close();
    expect(decodeWorkerCommand({ type: 'run', runId: 'a', code: '' }).ok).toBe(true);
    expect(reason(decodeWorkerCommand({ type: 'input', runId: 'a', text: '' }))).toBe('unknown message type "input"');
  });
});

describe('fuzzing', () => {
  const decoders = [decodeHostMessage, decodeHarnessMessage, decodeWorkerCommand, decodeWorkerEvent];
  const values: unknown[] = [
    undefined, null, 0, -1, 1e308, Number.NaN, '', 'run', true, [], [{}], {}, { type: null }, { type: '' },
    { type: 'run', runId: null }, { type: 'run-done', runId: 'a', result: [] }, { type: 'output', runId: 'a', chunks: {} },
    { type: 'boot', files: null }, { type: 'boot', files: [] }, { type: '__proto__' }, { type: 'constructor' }, { type: 'toString' },
    Object.create(null), new Date(), new Uint8Array(3),
  ];

  it('never throws on junk, and rejects it', () => {
    for (const decode of decoders) {
      for (const value of values) {
        const decoded = decode(value);
        expect(decoded.ok, JSON.stringify(value)).toBe(false);
      }
    }
  });

  it('never throws on random mutations of valid messages', () => {
    const valid: Array<Record<string, unknown>> = [
      { type: 'run', runId: 'a', code: 'x' },
      { type: 'output', runId: 'a', chunks: [{ stream: 'stdout', text: 'x' }] },
      { type: 'run-done', runId: 'a', result: { status: 'ok', error: null, errorLine: null } },
      { type: 'input-request', runId: 'a', prompt: '?' },
    ];
    const junk = [null, undefined, 1, -1, 'x', '', [], {}, true, 'a b', Number.POSITIVE_INFINITY];
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 2000; i++) {
      const message = structuredClone(valid[random(valid.length)]!);
      const keys = Object.keys(message);
      message[keys[random(keys.length)]!] = junk[random(junk.length)];
      for (const decode of decoders) expect(() => decode(message)).not.toThrow();
    }
  });
});

it('isRunId matches the relay’s rule', () => {
  expect(isRunId('abc_DEF-123')).toBe(true);
  expect(isRunId('')).toBe(false);
  expect(isRunId('a/b')).toBe(false);
  expect(isRunId(42)).toBe(false);
});
