import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { describeRoomStoreContract } from '../storage/room-store.contract.js';
import type { RoomRecord, RoomStore, UpdateRecord } from '../storage/room-store.js';
import { SqliteRoomStore } from '../storage/sqlite-store.js';
import { MeasuredRoomStore } from './measured-store.js';
import { sampleValue } from './metrics-test-kit.js';
import { STORAGE_OPERATIONS, StorageMetrics } from './storage-metrics.js';

// The decorator must be the store it wraps in every observable way: the whole contract, through it.
describeRoomStoreContract('MeasuredRoomStore over SqliteRoomStore', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'interview-measured-'));
  const metrics = new StorageMetrics(new Registry());
  const opened: RoomStore[] = [];
  const open = () => {
    const store = new MeasuredRoomStore(new SqliteRoomStore(dir), metrics);
    opened.push(store);
    return store;
  };
  return {
    store: open(),
    reopen: async () => open(),
    async cleanup() {
      for (const store of opened) await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

/** A measured store over a stand-in that has only the methods a test gives it. */
function measure(inner: Partial<RoomStore>): { store: MeasuredRoomStore; scrape: () => Promise<string> } {
  const registry = new Registry();
  return { store: new MeasuredRoomStore(inner as RoomStore, new StorageMetrics(registry)), scrape: () => registry.metrics() };
}

const duration = (operation: string, suffix: string, le?: string) =>
  `interview_storage_operation_duration_seconds_${suffix}{${le === undefined ? '' : `le="${le}",`}operation="${operation}"}`;

describe('MeasuredRoomStore', () => {
  it('times each call into the histogram under its operation', async () => {
    const { store, scrape } = measure({
      async findRoom() {
        await sleep(40);
        return null;
      },
      async ping() {},
    });
    await store.findRoom('r1');
    await store.ping();
    await store.ping();
    const text = await scrape();
    expect(sampleValue(text, duration('findRoom', 'count'))).toBe(1);
    expect(sampleValue(text, duration('findRoom', 'sum'))).toBeGreaterThanOrEqual(0.035);
    // 40 ms lands past the 25 ms bucket and in +Inf.
    expect(sampleValue(text, duration('findRoom', 'bucket', '0.025'))).toBe(0);
    expect(sampleValue(text, duration('findRoom', 'bucket', '+Inf'))).toBe(1);
    expect(sampleValue(text, duration('ping', 'count'))).toBe(2);
    // An operation never called has no latency series yet.
    expect(sampleValue(text, duration('appendUpdate', 'count'))).toBeUndefined();
  });

  it('hands over arguments and results as they are', async () => {
    const seen: unknown[] = [];
    const room = { id: 'r1' } as RoomRecord;
    const { store } = measure({
      async appendUpdate(record) {
        seen.push(record);
        return 42;
      },
      async findRoom(roomId) {
        seen.push(roomId);
        return room;
      },
    });
    const record = { roomId: 'r1', update: Uint8Array.of(1), author: null, at: new Date() } satisfies UpdateRecord;
    expect(await store.appendUpdate(record)).toBe(42);
    expect(await store.findRoom('r1')).toBe(room);
    expect(seen[0]).toBe(record);
    expect(seen[1]).toBe('r1');
  });

  it('rejects with the very error the store gave, counts it and still times the call', async () => {
    const failure = new Error('disk full');
    const { store, scrape } = measure({
      async appendUpdate() {
        throw failure;
      },
    });
    const update = { roomId: 'r1', update: Uint8Array.of(1), author: null, at: new Date() };
    await expect(store.appendUpdate(update)).rejects.toBe(failure);
    await expect(store.appendUpdate(update)).rejects.toBe(failure);
    const text = await scrape();
    expect(sampleValue(text, 'interview_storage_errors_total{operation="appendUpdate"}')).toBe(2);
    expect(sampleValue(text, duration('appendUpdate', 'count'))).toBe(2);
  });

  it('turns a store that throws instead of rejecting into a rejection, counted', async () => {
    const failure = new TypeError('not a promise');
    const { store, scrape } = measure({
      listQuestions() {
        throw failure;
      },
    });
    const pending = store.listQuestions();
    await expect(pending).rejects.toBe(failure);
    expect(sampleValue(await scrape(), 'interview_storage_errors_total{operation="listQuestions"}')).toBe(1);
  });

  it('shows every operation’s error count at 0 before any failure', async () => {
    const { store, scrape } = measure({ async ping() {} });
    await store.ping();
    const text = await scrape();
    expect(STORAGE_OPERATIONS).toHaveLength(23);
    for (const operation of STORAGE_OPERATIONS) expect(sampleValue(text, `interview_storage_errors_total{operation="${operation}"}`)).toBe(0);
  });
});
