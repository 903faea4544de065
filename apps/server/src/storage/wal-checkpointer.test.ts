import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '@interview/test-support';
import { DocumentChannel } from '@interview/protocol';
import { seedUpdate } from '../rooms/room-seed.js';
import { hashToken, newRoomId } from '../rooms/tokens.js';
import { SQLITE_FILE, SqliteRoomStore } from './sqlite-store.js';
import { WalCheckpointer } from './wal-checkpointer.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'interview-wal-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('WAL checkpoints off the event loop', () => {
  it('the store\'s commits reach the database file through its checkpointer, and all of them are there after close', async () => {
    const dir = tempDir();
    const store = new SqliteRoomStore(dir);
    const file = join(dir, SQLITE_FILE);
    try {
      const roomId = newRoomId();
      const room = { id: roomId, title: 'WAL', language: 'python' as const, interviewerTokenHash: hashToken('i'), candidateTokenHash: hashToken('c'), createdAt: new Date(), ended: null };
      await store.createRoom(room, seedUpdate('python'));
      const before = statSync(file).size;
      const update = new Uint8Array(2000).fill(7);
      const writes: Promise<number>[] = [];
      for (let i = 0; i < 2000; i++) {
        writes.push(store.appendUpdate({ roomId, channel: DocumentChannel.main, update, author: null, at: new Date() }));
      }
      await Promise.all(writes);
      await waitFor(() => statSync(file).size > before + 2000 * 2000, { what: 'the database file to receive the checkpointed pages' });
    } finally {
      await store.close();
    }
    // Stopped cleanly: the file reopens with every update.
    const reopened = new Database(file, { readonly: true });
    try {
      expect(reopened.prepare('SELECT count(*) AS n FROM updates').get()).toEqual({ n: 2000 + 1 });
    } finally {
      reopened.close();
    }
  });

  it('checkpoints what a connection without automatic checkpoints wrote', async () => {
    const file = join(tempDir(), 'wal.sqlite');
    const writer = new Database(file);
    writer.pragma('journal_mode = WAL');
    writer.pragma('wal_autocheckpoint = 0');
    writer.exec('CREATE TABLE t (data BLOB)');
    const insert = writer.prepare('INSERT INTO t (data) VALUES (?)');
    const before = statSync(file).size;
    for (let i = 0; i < 500; i++) insert.run(Buffer.alloc(4000, i % 256));
    // Two megabytes committed, none of it in the database file yet.
    expect(statSync(file).size).toBe(before);
    const checkpointer = new WalCheckpointer({ file, intervalMs: 20, onFailure: (error) => expect.fail(error.message) });
    try {
      await waitFor(() => statSync(file).size > before + 500 * 4000, { what: 'the checkpointer to copy the WAL into the database file' });
    } finally {
      await checkpointer.stop();
      writer.close();
    }
  });

  it('keeps an otherwise idle process alive until its last checkpoint and close are done', () => {
    const dir = tempDir();
    const storeModule = fileURLToPath(new URL('./sqlite-store.ts', import.meta.url));
    // Nothing but the close is pending: a process that exited early would not print "closed".
    const script = `const { SqliteRoomStore } = await import(${JSON.stringify(storeModule)});
      const store = new SqliteRoomStore(${JSON.stringify(dir)});
      await store.close();
      console.log('closed');`;
    const child = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('closed');
    expect(child.status).toBe(0);
  });

  it('reports a checkpointer that cannot work, so the store can take checkpoints back', async () => {
    const failures: Error[] = [];
    const checkpointer = new WalCheckpointer({ file: join(tempDir(), 'missing.sqlite'), onFailure: (error) => failures.push(error) });
    await waitFor(() => failures.length > 0, { what: 'the failure to be reported' });
    expect(failures[0]!.message).toMatch(/missing\.sqlite|unable to open|does not exist/i);
    await checkpointer.stop();
    expect(failures).toHaveLength(1);
  });
});
