import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
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
    const call = (statement: string, ...params: Array<string | number>) => ({ statement, params });
    const results = run([
      [call('insert', 1, 'one')],
      // The second statement fails (duplicate id): the whole write is undone, not only that statement.
      [call('insert', 2, 'two'), call('insert', 1, 'again')],
      [call('relabel', 'uno', 1)],
      [call('nonexistent')],
    ]);
    expect(results.map((result) => result.ok)).toEqual([true, false, true, false]);
    expect(results[1]).toMatchObject({ ok: false, code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
    expect(results[3]).toMatchObject({ ok: false, message: 'unknown statement nonexistent' });
    expect(results[2]).toMatchObject({ ok: true, changes: 1 });
    expect(labels(db)).toEqual([{ id: 1, label: 'uno' }]);
  });
});

describe('SqliteWriter', () => {
  it('commits the writes of one turn together, in the order they were made, and refuses writes once closed', async () => {
    const { db } = database();
    const writer = new SqliteWriter(db, STATEMENTS);
    const first = writer.write([{ statement: 'insert', params: [1, 'a'] }]);
    const second = writer.write([{ statement: 'relabel', params: ['b', 1] }]);
    const failing = writer.write([{ statement: 'insert', params: [1, 'duplicate'] }]);
    // Nothing before the end of the turn.
    expect(labels(db)).toEqual([]);
    await Promise.all([first, second]);
    await expect(failing).rejects.toMatchObject({ name: 'SqliteWriteError', code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
    expect(writer.commits).toBe(1);
    const third = writer.write([{ statement: 'relabel', params: ['c', 1] }]);
    // Closing commits what is queued.
    writer.close();
    await expect(third).resolves.toMatchObject({ changes: 1 });
    expect(labels(db)).toEqual([{ id: 1, label: 'c' }]);
    await expect(writer.write([{ statement: 'insert', params: [2, 'late'] }])).rejects.toThrow(/closed/);
  });
});
