import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '@interview/test-support';
import { batchRunner, SqliteWriter } from './sqlite-writer.js';

const STATEMENTS = { insert: 'INSERT INTO items (id, label) VALUES (?, ?)', relabel: 'UPDATE items SET label = ? WHERE id = ?' };

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function database(): { file: string; db: Database.Database } {
  const dir = mkdtempSync(join(tmpdir(), 'interview-writer-'));
  const file = join(dir, 'items.sqlite');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT NOT NULL)');
  cleanups.push(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { file, db };
}

function labels(db: Database.Database): Array<{ id: number; label: string }> {
  return db.prepare('SELECT id, label FROM items ORDER BY id').all() as Array<{ id: number; label: string }>;
}

describe('batchRunner', () => {
  it('commits a batch at once, each write all or nothing', () => {
    const { db } = database();
    const run = batchRunner(db, STATEMENTS);
    const results = run([
      [['insert', [1, 'one']]],
      // The second statement fails (duplicate id): the whole write is undone, not only that statement.
      [
        ['insert', [2, 'two']],
        ['insert', [1, 'again']],
      ],
      [['relabel', ['uno', 1]]],
      [['nonexistent', []]],
    ]);
    expect(results.map((result) => result.ok)).toEqual([true, false, true, false]);
    expect(results[1]).toMatchObject({ ok: false, code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
    expect(results[3]).toMatchObject({ ok: false, message: 'unknown statement nonexistent' });
    expect(results[2]).toMatchObject({ ok: true, changes: 1 });
    expect(labels(db)).toEqual([{ id: 1, label: 'uno' }]);
  });
});

describe('SqliteWriter', () => {
  it('keeps writing on its own thread when the worker cannot', async () => {
    const { db } = database();
    const failures: Error[] = [];
    const writer = new SqliteWriter({
      file: join(tmpdir(), 'interview-writer-missing', 'none.sqlite'),
      statements: STATEMENTS,
      onFailure: (error) => failures.push(error),
      inline: { db, maxWrites: 1 },
    });
    cleanups.push(() => writer.stop());
    await waitFor(() => failures.length > 0, { what: 'the worker to report that it cannot open the file' });
    expect(failures[0]!.message).toMatch(/could not start/);
    // More writes than `maxWrites` in one turn: with the worker gone, they still commit, here.
    const outcomes = await Promise.all([1, 2, 3].map((id) => writer.write([{ statement: 'insert', params: [id, `item ${id}`] }])));
    expect(outcomes.map((outcome) => outcome.lastInsertRowid)).toEqual([1, 2, 3]);
    expect(writer.committed.worker).toBe(0);
    expect(labels(db)).toHaveLength(3);
  });

  it('without a connection of its own, fails every write once the worker is gone', async () => {
    const failures: Error[] = [];
    const writer = new SqliteWriter({ file: join(tmpdir(), 'interview-writer-missing', 'none.sqlite'), statements: STATEMENTS, onFailure: (error) => failures.push(error) });
    cleanups.push(() => writer.stop());
    await waitFor(() => failures.length > 0, { what: 'the worker to report that it cannot open the file' });
    await expect(writer.write([{ statement: 'insert', params: [1, 'x'] }])).rejects.toThrow(/could not start/);
  });

  it('commits through the worker in the order the writes were made, and refuses writes after stop', async () => {
    const { file, db } = database();
    const writer = new SqliteWriter({ file, statements: STATEMENTS, onFailure: (error) => expect.fail(error.message) });
    const first = writer.write([{ statement: 'insert', params: [1, 'a'] }]);
    const second = writer.write([{ statement: 'relabel', params: ['b', 1] }]);
    await Promise.all([first, second]);
    const third = writer.write([{ statement: 'relabel', params: ['c', 1] }]);
    await writer.stop();
    await third;
    expect(labels(db)).toEqual([{ id: 1, label: 'c' }]);
    expect(writer.committed).toEqual({ inline: 0, worker: 2 });
    await expect(writer.write([{ statement: 'insert', params: [2, 'late'] }])).rejects.toThrow(/closed/);
  });
});
