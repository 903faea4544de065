import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, makeTempDir, removeDir, startServer, usePostgres, usePostgresSchema, waitFor, type PostgresDatabase } from '@interview/test-support';
import { CloseCode } from '@interview/protocol';
import { connectStockClient, createRoom } from './clients.js';

/**
 * A stop ends promptly with 1012 for everyone, joins on their way
 * included; and it ends even when storage stops answering: the process
 * exits on its own after SHUTDOWN_TIMEOUT_MS and says so, instead of
 * hanging until an orchestrator kills it without a word.
 */

/** A TCP relay to PostgreSQL that can be frozen: connections stay open and carry nothing more. */
async function freezableProxy(target: { host: string; port: number }): Promise<{ port: number; freeze(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let frozen = false;
  const server: Server = createServer((client) => {
    const upstream = createConnection(target);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
    }
    const forward = (from: Socket, to: Socket) => from.on('data', (chunk) => void (frozen || to.write(chunk)));
    forward(client, upstream);
    forward(upstream, client);
  });
  const port = await freePort();
  await new Promise<void>((listening) => server.listen(port, '127.0.0.1', listening));
  return {
    port,
    freeze() {
      frozen = true;
    },
    close: () =>
      new Promise<void>((closed) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => closed());
      }),
  };
}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('shutdown', () => {
  it('exits with code 1 after SHUTDOWN_TIMEOUT_MS when storage stops answering mid-stop, logging shutdown-timed-out', async () => {
    const database: PostgresDatabase = await usePostgres();
    cleanups.push(() => database.cleanup());
    const schema = await usePostgresSchema(database.url);
    cleanups.push(() => schema.cleanup());
    const direct = new URL(schema.url);
    const proxy = await freezableProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    cleanups.push(() => proxy.close());
    const viaProxy = new URL(schema.url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);

    const server = await startServer({ env: { DATABASE_URL: viaProxy.toString(), SHUTDOWN_TIMEOUT_MS: '1500' } });
    cleanups.push(() => server.kill());
    const room = await createRoom(server.url);
    const client = connectStockClient(server.url, room.roomId, room.interviewerToken, 'Ada');
    cleanups.push(() => client.destroy());
    await client.synced();

    proxy.freeze();
    // Its write now waits on a database that never answers.
    client.text.insert(0, '# typed as the database froze\n');
    const stoppedAt = Date.now();
    server.child.kill('SIGTERM');
    const exit = await server.exited;
    expect(exit).toBe(1);
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(1400);
    expect(server.logs).toContainEqual(expect.objectContaining({ event: 'shutdown-timed-out', level: 'error', timeoutMs: 1500 }));
    expect(server.logs.some((line) => line.event === 'stopped')).toBe(false);
  });

  it('exits with code 0, well before the timeout, when storage answers', async () => {
    const server = await startServer({ env: { SHUTDOWN_TIMEOUT_MS: '20000' } });
    const room = await createRoom(server.url);
    const client = connectStockClient(server.url, room.roomId, room.interviewerToken, 'Ada');
    cleanups.push(() => client.destroy());
    await client.synced();
    client.text.insert(0, '# stored before the stop\n');
    await waitFor(() => client.provider.synced, { what: 'the client to be synced' });
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.logs.some((line) => line.event === 'shutdown-timed-out')).toBe(false);
  });

  it('closes with 1012 a participant whose join was waiting for its room to finish unloading when the stop came', async () => {
    // The race is timing-dependent: several rounds, each with the stop a little later after the join.
    for (let round = 0; round < 4; round++) {
      const dataDir = makeTempDir();
      cleanups.push(() => removeDir(dataDir));
      const server = await startServer({ dataDir, env: { SNAPSHOT_EVERY: '10' } });
      cleanups.push(() => server.kill());
      const room = await createRoom(server.url);
      const writer = connectStockClient(server.url, room.roomId, room.interviewerToken, 'Writer');
      cleanups.push(() => writer.destroy());
      await writer.synced();
      // A large document, so that storing the room as it empties takes a while.
      for (let i = 0; i < 15; i++) writer.text.insert(0, `${i} `.repeat(20_000));
      await waitFor(() => server.logs.filter((line) => line.event === 'participant-joined').length === 1 && writer.provider.synced, {
        what: 'the writer to be synced',
      });
      const reader = connectStockClient(server.url, room.roomId, room.candidateToken, 'Reader');
      await waitFor(() => reader.text.length === writer.text.length, { what: 'the reader to have the document', timeoutMs: 20_000 });
      reader.destroy();
      writer.provider.disconnect();
      await new Promise((resolve) => setImmediate(resolve));
      const joiner = connectStockClient(server.url, room.roomId, room.candidateToken, 'Joiner');
      cleanups.push(() => joiner.destroy());
      await new Promise((resolve) => setTimeout(resolve, round));
      server.child.kill('SIGTERM');
      expect(await server.exited, `round ${round}: exit code`).toBe(0);
      expect(server.logs.some((line) => line.event === 'shutdown-timed-out'), `round ${round}: timed out`).toBe(false);
      const stoppingAt = server.logs.findIndex((line) => line.event === 'shutting-down');
      // Either it joined before the stop and was closed with the others, or it was refused; never left hanging.
      const lateJoin = server.logs.slice(stoppingAt).some((line) => line.event === 'participant-joined');
      expect(lateJoin, `round ${round}: a participant joined after the stop began`).toBe(false);
      if (joiner.closes.length > 0) expect([CloseCode.ServiceRestart, 1006]).toContain(joiner.closes[0]!.code);
    }
  }, 120_000);
});
