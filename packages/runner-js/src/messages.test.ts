import { describe, expect, it } from 'vitest';
import {
  decodeHarnessMessage,
  decodeInitMessage,
  decodePageMessage,
  decodeWorkerMessage,
  MAX_RUN_ID_LENGTH,
  PROTOCOL_VERSION,
} from './messages.js';

describe('page → harness', () => {
  it('accepts run and stop', () => {
    expect(decodePageMessage({ type: 'run', runId: 'r1', code: 'x' })).toEqual({ ok: true, message: { type: 'run', runId: 'r1', code: 'x' } });
    expect(decodePageMessage({ type: 'stop', runId: 'r1', extra: 1 })).toEqual({ ok: true, message: { type: 'stop', runId: 'r1' } });
  });

  it('accepts a heartbeat, answered by a pong', () => {
    expect(decodePageMessage({ type: 'ping', seq: 3 })).toEqual({ ok: true, message: { type: 'ping', seq: 3 } });
    expect(decodePageMessage({ type: 'ping', seq: -1 }).ok).toBe(false);
    expect(decodeHarnessMessage({ type: 'pong', seq: 3 })).toEqual({ ok: true, message: { type: 'pong', seq: 3 } });
    expect(decodeHarnessMessage({ type: 'pong', seq: '3' }).ok).toBe(false);
  });

  it('refuses bad shapes with a reason', () => {
    expect(decodePageMessage({ type: 'run', runId: 'r1' })).toMatchObject({ ok: false, reason: 'code must be a string' });
    expect(decodePageMessage({ type: 'run', runId: '', code: '' })).toMatchObject({ ok: false });
    expect(decodePageMessage({ type: 'run', runId: 'x'.repeat(MAX_RUN_ID_LENGTH + 1), code: '' })).toMatchObject({ ok: false });
    expect(decodePageMessage({ type: 'eval', runId: 'r1' })).toMatchObject({ ok: false, reason: 'unknown message type "eval"' });
    expect(decodePageMessage(null)).toMatchObject({ ok: false });
    expect(decodePageMessage([1])).toMatchObject({ ok: false });
  });
});

describe('harness → page', () => {
  it('accepts every message the harness sends', () => {
    expect(decodeHarnessMessage({ type: 'ready', version: PROTOCOL_VERSION }).ok).toBe(true);
    expect(decodeHarnessMessage({ type: 'output', runId: 'r', chunks: [{ stream: 'stderr', text: 'x' }] })).toEqual({
      ok: true,
      message: { type: 'output', runId: 'r', chunks: [{ stream: 'stderr', text: 'x' }] },
    });
    expect(decodeHarnessMessage({ type: 'done', runId: 'r', status: 'error', error: 'E', errorLine: 3, durationMs: 1.5 }).ok).toBe(true);
    expect(decodeHarnessMessage({ type: 'stopped', runId: 'r' }).ok).toBe(true);
  });

  it('refuses forged or malformed fields', () => {
    const done = { type: 'done', runId: 'r', status: 'ok', error: null, errorLine: null, durationMs: 0 };
    expect(decodeHarnessMessage({ ...done, status: 'stopped' }).ok).toBe(false);
    expect(decodeHarnessMessage({ ...done, errorLine: 0 }).ok).toBe(false);
    expect(decodeHarnessMessage({ ...done, errorLine: 1.5 }).ok).toBe(false);
    expect(decodeHarnessMessage({ ...done, durationMs: -1 }).ok).toBe(false);
    expect(decodeHarnessMessage({ ...done, durationMs: Number.NaN }).ok).toBe(false);
    expect(decodeHarnessMessage({ ...done, error: 42 }).ok).toBe(false);
    expect(decodeHarnessMessage({ type: 'output', runId: 'r', chunks: [{ stream: 'stdin', text: 'x' }] }).ok).toBe(false);
    expect(decodeHarnessMessage({ type: 'output', runId: 'r', chunks: [{ stream: 'stdout' }] }).ok).toBe(false);
    expect(decodeHarnessMessage({ type: 'output', runId: 'r', chunks: 'x' }).ok).toBe(false);
    expect(decodeHarnessMessage({ type: 'ready' }).ok).toBe(false);
  });

  it('copies only known fields', () => {
    const decoded = decodeHarnessMessage({ type: 'output', runId: 'r', chunks: [{ stream: 'stdout', text: 'x', html: '<b>' }], extra: 1 });
    expect(decoded).toEqual({ ok: true, message: { type: 'output', runId: 'r', chunks: [{ stream: 'stdout', text: 'x' }] } });
  });
});

describe('harness ⇄ worker', () => {
  it('decodes init and worker messages', () => {
    expect(decodeInitMessage({ type: 'init', lineOffset: 3, userLineCount: 1, outputLimit: 10 }).ok).toBe(true);
    expect(decodeInitMessage({ type: 'init', lineOffset: -1, userLineCount: 1, outputLimit: 10 }).ok).toBe(false);
    expect(decodeWorkerMessage({ type: 'output', chunks: [], truncated: 'yes' })).toEqual({
      ok: true,
      message: { type: 'output', chunks: [], truncated: false },
    });
    expect(decodeWorkerMessage({ type: 'done', status: 'ok', error: null, errorLine: null, durationMs: 3 }).ok).toBe(true);
    expect(decodeWorkerMessage({ type: 'stopped' }).ok).toBe(false);
  });
});

describe('fuzz', () => {
  // A small deterministic generator: the same values every run.
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  const leaves = [null, undefined, 0, -1, 1.5, Number.NaN, Infinity, '', 'x', 'ok', 'error', 'stdout', 'run', 'done', true, [], {}];
  const keys = ['type', 'seq', 'runId', 'code', 'chunks', 'stream', 'text', 'status', 'error', 'errorLine', 'durationMs', 'version', 'truncated'];
  const value = (depth: number): unknown => {
    if (depth > 3 || random() < 0.4) return pick(leaves);
    if (random() < 0.3) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
    const object: Record<string, unknown> = {};
    for (let i = 0; i < 1 + Math.floor(random() * 6); i++) object[pick(keys)] = value(depth + 1);
    return object;
  };

  it('never throws and only accepts well-formed messages', () => {
    for (let i = 0; i < 20_000; i++) {
      const input = value(0);
      for (const decode of [decodePageMessage, decodeHarnessMessage, decodeWorkerMessage, decodeInitMessage]) {
        const decoded = decode(input);
        if (!decoded.ok) continue;
        // Whatever is accepted re-decodes to itself: it is well-formed.
        expect(decode(decoded.message)).toEqual(decoded);
      }
    }
  });
});
