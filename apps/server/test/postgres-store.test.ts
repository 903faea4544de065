import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { usePostgres, usePostgresSchema, waitFor, type PostgresDatabase } from '@interview/test-support';
import { seedUpdate } from '../src/rooms/room-seed.js';
import { hashToken, newRoomId } from '../src/rooms/tokens.js';
import { describeRoomStoreContract } from '../src/storage/room-store.contract.js';
import { POSTGRES_SCHEMA_VERSION } from '../src/storage/postgres-schema.js';
import { PostgresRoomStore } from '../src/storage/postgres-store.js';
import type { UpdateRecord } from '../src/storage/room-store.js';

// One server (or one schema of DATABASE_URL) for the file; every fixture
// and test gets a schema of its own inside it, since the question bank is
// not per room.
let database: PostgresDatabase;
beforeAll(async () => {
  database = await usePostgres();
}, 60_000);
afterAll(async () => {
  await database?.cleanup();
});

describeRoomStoreContract('PostgresRoomStore', async () => {
  const schema = await usePostgresSchema(database.url);
  const opened: PostgresRoomStore[] = [];
  const open = async (): Promise<PostgresRoomStore> => {
    const store = await PostgresRoomStore.open(schema.url);
    opened.push(store);
    return store;
  };
  return {
    store: await open(),
    reopen: open,
    async cleanup() {
      for (const store of opened) await store.close();
      await schema.cleanup();
    },
  };
});

describe('PostgresRoomStore specifics', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function freshSchema(): Promise<string> {
    const schema = await usePostgresSchema(database.url);
    cleanups.push(() => schema.cleanup());
    return schema.url;
  }

  async function openStore(url: string, options?: { poolSize?: number }): Promise<PostgresRoomStore> {
    const store = await PostgresRoomStore.open(url, options);
    cleanups.push(() => store.close());
    return store;
  }

  async function inspect<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  }

  async function createRoom(store: PostgresRoomStore): Promise<string> {
    const id = newRoomId();
    await store.createRoom(
      {
        id,
        title: 'PostgreSQL',
        language: 'python',
        interviewerTokenHash: hashToken('i'),
        candidateTokenHash: hashToken('c'),
        createdAt: new Date(),
        ended: null,
      },
      seedUpdate('python'),
    );
    return id;
  }

  const update = (roomId: string, data: number[]): UpdateRecord => ({ roomId, update: Uint8Array.from(data), author: null, at: new Date() });

  it('keeps its tables in the schema named by the URL’s search_path', async () => {
    const url = await freshSchema();
    const schema = new URL(url).searchParams.get('options')!.replace('-c search_path=', '');
    expect(schema).toMatch(/^t_[0-9a-f]{16}$/);
    await openStore(url);
    expect(await inspect<{ current_schema: string }>(url, 'SELECT current_schema()')).toEqual([{ current_schema: schema }]);
    const tables = await inspect<{ table_name: string }>(
      url,
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
      [schema],
    );
    expect(tables.map((t) => t.table_name)).toEqual([
      'latest_runs',
      'participants',
      'questions',
      'rooms',
      'runs',
      'schema_version',
      'signals',
      'snapshots',
      'updates',
    ]);
  });

  it('lets every reader see a prefix of a room’s history while two stores append to it at once', async () => {
    const url = await freshSchema();
    const writers = [await openStore(url), await openStore(url)];
    const reader = await openStore(url);
    const rooms = [await createRoom(writers[0]!), await createRoom(writers[0]!)];
    const perWriter = 300;
    const key = (data: Uint8Array): string => Array.from(data).join('.');

    let writing = true;
    const views: Map<string, string[][]> = new Map(rooms.map((room) => [room, []]));
    const reading = (async () => {
      while (writing) {
        for (const room of rooms) {
          const doc = await reader.loadDocument(room);
          views.get(room)!.push(doc.updates.map(key));
        }
      }
    })();

    // Writer w appends to both rooms, in opposite room orders, in waves of
    // 1 to 6 calls, waiting for each wave's first call: the waves of the two
    // stores become many interleaved transactions, most of them locking both rooms.
    const resolved: Array<{ room: string; data: string; seq: number }> = [];
    const write = async (w: number): Promise<void> => {
      const pending: Array<Promise<void>> = [];
      for (let i = 0; i < perWriter; ) {
        const wave: Array<Promise<void>> = [];
        for (const end = Math.min(perWriter, i + 1 + ((i * 7 + w) % 6)); i < end; i++) {
          const room = rooms[(i + w) % 2]!;
          const data = [w, i >> 8, i & 0xff];
          wave.push(writers[w]!.appendUpdate(update(room, data)).then((seq) => void resolved.push({ room, data: data.join('.'), seq })));
        }
        pending.push(...wave);
        await wave[0];
      }
      await Promise.all(pending);
    };
    await Promise.all([write(0), write(1)]);
    writing = false;
    await reading;

    for (const room of rooms) {
      const final = (await reader.loadDocument(room)).updates.map(key);
      const mine = resolved.filter((r) => r.room === room).sort((a, b) => a.seq - b.seq);
      // Every update exactly once, in seq order, after the seed.
      expect(final.slice(1)).toEqual(mine.map((r) => r.data));
      expect(new Set(final).size).toBe(final.length);
      expect(final).toHaveLength(perWriter + 1);
      // Every view is a prefix of the final history: no seq was visible before a smaller one.
      const seen = views.get(room)!;
      expect(seen.length).toBeGreaterThan(1);
      for (const view of seen) expect(view).toEqual(final.slice(0, view.length));
    }
    // The writers really did commit many interleaved transactions.
    for (const writer of writers) expect(writer.appendStats.transactions).toBeGreaterThan(perWriter / 10);
  });

  it('group-commits: appends made while a commit is in flight share the next transaction', async () => {
    const store = await openStore(await freshSchema());
    const roomId = await createRoom(store);

    const before = { ...store.appendStats };
    const sameTick = await Promise.all(Array.from({ length: 100 }, (_, i) => store.appendUpdate(update(roomId, [i]))));
    expect(store.appendStats.transactions - before.transactions).toBe(1);
    expect(new Set(sameTick).size).toBe(100);

    // Spread over many turns of the event loop: each turn's calls join whatever commit comes next.
    const calls = 400;
    const spread = { ...store.appendStats };
    const pending: Array<Promise<number>> = [];
    for (let i = 0; i < calls; i++) {
      pending.push(store.appendUpdate(update(roomId, [i & 0xff, 1])));
      if (i % 4 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    const seqs = await Promise.all(pending);
    const transactions = store.appendStats.transactions - spread.transactions;
    expect(transactions).toBeGreaterThan(1);
    expect(transactions).toBeLessThanOrEqual(calls / 8);
    expect(store.appendStats.updates - spread.updates).toBe(calls);
    expect(store.appendStats.maxInFlight).toBe(1);
    // In call order.
    for (let k = 1; k < seqs.length; k++) expect(seqs[k]).toBeGreaterThan(seqs[k - 1]!);
    expect((await store.loadDocument(roomId)).updates).toHaveLength(1 + 100 + calls);
  });

  it('migrates once when two stores open a fresh schema at the same moment', async () => {
    const url = await freshSchema();
    const settled = await Promise.allSettled([PostgresRoomStore.open(url), PostgresRoomStore.open(url), PostgresRoomStore.open(url)]);
    const opened = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    for (const store of opened) cleanups.push(() => store.close());
    expect(settled.filter((result) => result.status === 'rejected')).toEqual([]);
    expect(await inspect(url, 'SELECT version FROM schema_version')).toEqual([{ version: POSTGRES_SCHEMA_VERSION }]);
    const roomId = await createRoom(opened[0]!);
    await expect(opened[1]!.appendUpdate(update(roomId, [1]))).resolves.toBeGreaterThan(0);
    expect((await opened[2]!.loadDocument(roomId)).updates).toHaveLength(2);
  });

  it('refuses a schema written by a newer version, naming both versions', async () => {
    const url = await freshSchema();
    await (await PostgresRoomStore.open(url)).close();
    await inspect(url, 'UPDATE schema_version SET version = 99');
    await expect(PostgresRoomStore.open(url)).rejects.toThrow(new RegExp(`schema version 99.*knows ${POSTGRES_SCHEMA_VERSION}`));
  });

  it('rejects every call of a failed batch, and only those; later appends succeed', async () => {
    const store = await openStore(await freshSchema());
    const roomId = await createRoom(store);
    const missing = newRoomId();
    const first = await store.appendUpdate(update(roomId, [1]));

    const batch = [store.appendUpdate(update(roomId, [2])), store.appendUpdate(update(missing, [3])), store.appendUpdate(update(roomId, [4]))];
    const results = await Promise.allSettled(batch);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const result of results) {
      expect(result.status === 'rejected' && String(result.reason)).toMatch(new RegExp(`no room ${missing}`));
    }

    const later = await Promise.all([store.appendUpdate(update(roomId, [5])), store.appendUpdate(update(roomId, [6]))]);
    expect(later[0]).toBeGreaterThan(first);
    const doc = await store.loadDocument(roomId);
    expect(doc.updates.slice(1).map((u) => Array.from(u))).toEqual([[1], [5], [6]]);
    expect(doc.lastSeq).toBe(later[1]);
  });

  it('names the room or question in the error of a clashing id or a missing room', async () => {
    const store = await openStore(await freshSchema());
    const roomId = await createRoom(store);
    const room = (await store.findRoom(roomId))!;
    await expect(store.createRoom(room, seedUpdate('python'))).rejects.toThrow(`could not create room ${roomId}: room ${roomId} already exists`);
    const at = new Date(Date.UTC(2026, 0, 1));
    const question = { id: 'q-clash', title: 'Q', statement: 'S', starterCode: {}, builtIn: false, createdAt: at, updatedAt: at };
    await store.createQuestion(question);
    await expect(store.createQuestion(question)).rejects.toThrow('question q-clash already exists');
    const nowhere = newRoomId();
    await expect(store.recordJoin(nowhere, { name: 'X', role: 'candidate', joinedAt: at })).rejects.toThrow(`no room ${nowhere}`);
  });

  it('keeps whole milliseconds of times, and NUL characters in run output', async () => {
    const store = await openStore(await freshSchema());
    const roomId = await createRoom(store);
    const startedAt = new Date(Date.UTC(2026, 5, 30, 23, 59, 59, 999));
    const run = {
      runId: 'nul',
      language: 'python' as const,
      code: 'print("\\0")\u0000',
      by: { name: 'Ada', role: 'interviewer' as const },
      startedAt,
      finishedAt: new Date(startedAt.getTime() + 1),
      status: 'error' as const,
      output: 'a\u0000b',
      error: 'bad \u0000',
      durationMs: 0.25,
    };
    await store.saveRun(roomId, run);
    expect(await store.listRuns(roomId)).toStrictEqual([run]);
    const join = await store.recordJoin(roomId, { name: 'Ada', role: 'interviewer', joinedAt: startedAt });
    expect(typeof join).toBe('number');
  });

  it('closes after its pending appends, refuses appends after close, and fails ping once closed', async () => {
    const store = await PostgresRoomStore.open(await freshSchema());
    const roomId = await createRoom(store);
    const pending = Array.from({ length: 20 }, (_, i) => store.appendUpdate(update(roomId, [i])));
    const closed = store.close();
    await expect(store.appendUpdate(update(roomId, [99]))).rejects.toThrow(`could not append to room ${roomId}: the store is closed`);
    await closed;
    expect((await Promise.all(pending)).every((seq) => seq > 0)).toBe(true);
    await store.close();
    await expect(store.ping()).rejects.toThrow();
  });

  it('answers ping, and the pool reconnects after the server ends its connections', async () => {
    const base = await freshSchema();
    // A name of its own, so that only this store's connections are ended (the database may be shared).
    const name = `reconnect_${newRoomId().toLowerCase().replace(/[^a-z0-9]/g, '')}`;
    const url = new URL(base);
    url.searchParams.set('application_name', name);
    const store = await openStore(url.toString(), { poolSize: 2 });
    await store.ping();
    const roomId = await createRoom(store);
    const ended = await inspect<{ ended: boolean }>(
      base,
      'SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name = $1',
      [name],
    );
    expect(ended.length).toBeGreaterThan(0);
    // A query may still land on a connection the pool has not yet seen die.
    await waitFor(async () => (await store.appendUpdate(update(roomId, [1]))) > 0, { what: 'an append after reconnecting' });
    await store.ping();
  });
});
