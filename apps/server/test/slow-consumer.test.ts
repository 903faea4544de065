import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, waitFor } from '@interview/test-support';
import { connectRaw, connectStockClient, createRoom } from './clients.js';

/**
 * A participant whose client stops reading (a frozen tab, a stalled
 * network) must not make the server queue the room's traffic for it
 * without end, nor slow the room down: past the send-buffer bound it is cut.
 */

const LIMIT = 2 * 1024 * 1024;
const CHUNK = 'x'.repeat(50_000);
const CHUNKS = 300;

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function residentMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]) / 1024;
}

describe('slow consumers', () => {
  it('cuts a client that stopped reading once its send buffer passes the bound, while the room goes on', async () => {
    // The document grows to 15 MB here, past the default MAX_DOCUMENT_BYTES.
    const server = await startServer({ env: { MAX_SEND_BUFFER_BYTES: String(LIMIT), MAX_DOCUMENT_BYTES: String(64 * 1024 * 1024) } });
    cleanups.push(() => server.stop());
    const room = await createRoom(server.url);
    const writer = connectStockClient(server.url, room.roomId, room.interviewerToken, 'Writer');
    const reader = connectStockClient(server.url, room.roomId, room.candidateToken, 'Reader');
    cleanups.push(() => writer.destroy(), () => reader.destroy());
    await Promise.all([writer.synced(), reader.synced()]);

    const stalled = connectRaw(server.url, room.roomId, room.candidateToken, 'Stalled');
    cleanups.push(() => stalled.socket.terminate());
    await stalled.opened;
    await waitFor(() => stalled.received.length > 0, { what: 'the stalled client to be joined' });
    // From here on it reads nothing: the kernel's buffers fill, then the server's queue grows.
    (stalled.socket as unknown as { _socket: { pause(): void } })._socket.pause();

    const base = writer.text.length;
    for (let i = 0; i < CHUNKS; i++) {
      writer.text.insert(writer.text.length, CHUNK);
      // Let this process's reader read as it goes, as a live participant would.
      if (i % 5 === 4) await new Promise((resolve) => setImmediate(resolve));
    }
    await waitFor(() => reader.text.length === base + CHUNKS * CHUNK.length, { what: 'the reader to get every edit', timeoutMs: 30_000 });

    // Traffic after the stall's grace period finds the stalled client's queue still full, and cuts it.
    await waitFor(
      () => {
        writer.text.insert(writer.text.length, '.');
        return server.logs.some((line) => line.event === 'slow-consumer-cut');
      },
      { what: 'the relay to cut the stalled client', intervalMs: 200 },
    );
    // Only the stalled client: the reader, which kept reading, was never cut.
    const cuts = server.logs.filter((line) => line.event === 'slow-consumer-cut');
    expect(cuts).toHaveLength(1);
    const cut = cuts[0]!;
    expect(reader.closes).toEqual([]);
    expect(cut).toMatchObject({ level: 'warn', roomId: room.roomId, role: 'candidate', limit: LIMIT });
    expect(cut.bufferedBytes).toBeGreaterThan(LIMIT);
    // 15 MB went through the room; without the bound the stalled client's queue alone would hold most of it.
    expect(residentMiB(server.child.pid!)).toBeLessThan(400);

    // The stalled client finds its connection gone once it reads again, and the room still takes newcomers.
    (stalled.socket as unknown as { _socket: { resume(): void } })._socket.resume();
    expect((await stalled.closed).code).toBe(1006);
    const late = connectStockClient(server.url, room.roomId, room.candidateToken, 'Late');
    cleanups.push(() => late.destroy());
    await late.synced();
    // A joiner that is sent far more than the bound at once, and reads it, is not cut.
    await waitFor(() => late.text.length === writer.text.length, { what: 'the joiner to have the whole document' });
    expect(server.logs.filter((line) => line.event === 'slow-consumer-cut')).toHaveLength(1);
  }, 60_000);
});
