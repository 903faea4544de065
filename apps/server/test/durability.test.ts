import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode, STARTER_CODE } from '@interview/protocol';
import { makeTempDir, removeDir, startServer, waitFor, type ServerProcess } from '@interview/test-support';
import { connectStockClient, createRoom, type StockClient } from './clients.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function track<T extends StockClient | ServerProcess>(thing: T): T {
  cleanups.push('destroy' in thing ? () => thing.destroy() : () => thing.kill());
  return thing;
}

describe('durability', () => {
  it('keeps the document across a graceful restart, and clients reconnect by themselves', async () => {
    const dataDir = makeTempDir();
    cleanups.push(() => removeDir(dataDir));
    const first = track(await startServer({ dataDir }));
    const room = await createRoom(first.url);
    const a = track(connectStockClient(first.url, room.roomId, room.interviewerToken, 'Ada'));
    await a.synced();
    a.text.insert(0, '# before restart\n');
    const b = track(connectStockClient(first.url, room.roomId, room.candidateToken, 'Bo'));
    await waitFor(() => b.text.toString().startsWith('# before restart\n'), { what: 'B to see the edit' });

    await first.stop();
    expect(first.logs.some((l) => l.event === 'stopped')).toBe(true);
    await waitFor(() => a.closes.some((c) => c.code === CloseCode.ServiceRestart), { what: 'a "service restart" close' });

    const second = track(await startServer({ dataDir, port: first.port }));
    expect(second.url).toBe(first.url);
    // The stock provider retries after 1012 and resyncs on its own.
    await waitFor(() => a.provider.synced && b.provider.synced, { what: 'both clients to reconnect' });
    a.text.insert(a.text.length, '# after restart\n');
    await waitFor(() => b.text.toString().endsWith('# after restart\n'), { what: 'B to see the post-restart edit' });

    const fresh = track(connectStockClient(second.url, room.roomId, room.candidateToken, 'Fresh'));
    await fresh.synced();
    await waitFor(() => fresh.text.toString() === `# before restart\n${STARTER_CODE.python}# after restart\n`, {
      what: 'a fresh client to load the whole document from storage',
    });
  });

  it('loses no edit another client has seen when the server is killed with SIGKILL', async () => {
    const dataDir = makeTempDir();
    cleanups.push(() => removeDir(dataDir));
    // A small snapshot interval makes the reload go through snapshot + later updates.
    const env = { SNAPSHOT_EVERY: '25' };
    const first = track(await startServer({ dataDir, env }));
    const room = await createRoom(first.url);
    const writer = track(connectStockClient(first.url, room.roomId, room.interviewerToken, 'Writer'));
    const reader = track(connectStockClient(first.url, room.roomId, room.candidateToken, 'Reader'));
    await Promise.all([writer.synced(), reader.synced()]);

    for (let i = 0; i < 120; i++) writer.text.insert(writer.text.length, `line ${i}\n`);
    await waitFor(() => reader.text.toString().endsWith('line 119\n'), { what: 'the reader to see every line' });
    const seen = reader.text.toString();

    // Stop the clients from resending their copies: storage alone must hold the edits.
    writer.provider.disconnect();
    reader.provider.disconnect();
    await first.kill();
    expect(first.child.signalCode).toBe('SIGKILL');

    const second = track(await startServer({ dataDir, env }));
    const fresh = track(connectStockClient(second.url, room.roomId, room.candidateToken, 'Fresh'));
    await fresh.synced();
    expect(fresh.text.toString()).toBe(seen);
  });
});
