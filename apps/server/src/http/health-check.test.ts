import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../log.js';
import type { RoomDirectory } from '../rooms/room-directory.js';
import type { RoomStore } from '../storage/room-store.js';
import { apiRoutes, type Deployment } from './api-routes.js';

const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))));
});

/** GET /healthz of the API routes alone, over a store whose ping succeeds or throws. */
async function health(ping: () => Promise<void>, deployment?: Deployment): Promise<{ status: number; body: unknown; logged: string[] }> {
  const logged: string[] = [];
  const logger: Logger = { debug() {}, info() {}, warn() {}, error: (event) => void logged.push(event) };
  const app = express();
  app.use(
    apiRoutes({
      directory: {} as RoomDirectory,
      store: { ping } as RoomStore,
      logger,
      baseUrl: () => 'http://127.0.0.1',
      interviewerPasscode: null,
      statusChanged: async () => {},
      clock: () => new Date(),
      deployment,
    }),
  );
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((ready) => server.once('listening', ready));
  const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`);
  return { status: response.status, body: await response.json(), logged };
}

const answers = async () => {};
const fails = async () => {
  throw new Error('the PostgreSQL database does not answer');
};

describe('GET /healthz', () => {
  it('is ok while storage answers, with the deployment beside it', async () => {
    expect(await health(answers, { instanceId: 'relay-1', storage: 'sqlite', bus: () => 'local' })).toEqual({
      status: 200,
      body: { status: 'ok', instance: 'relay-1', storage: 'sqlite', bus: 'local' },
      logged: [],
    });
    expect((await health(answers, { instanceId: 'relay-1', storage: 'postgres', bus: () => 'connected' })).body).toEqual({
      status: 'ok',
      instance: 'relay-1',
      storage: 'postgres',
      bus: 'connected',
    });
    expect((await health(answers)).body).toEqual({ status: 'ok' });
  });

  it('is degraded, still 200, while the bus is away', async () => {
    expect(await health(answers, { instanceId: 'relay-2', storage: 'postgres', bus: () => 'disconnected' })).toEqual({
      status: 200,
      body: { status: 'degraded', instance: 'relay-2', storage: 'postgres', bus: 'disconnected' },
      logged: [],
    });
  });

  it('is unavailable, 503, when the storage check fails, and logs it', async () => {
    expect(await health(fails, { instanceId: 'relay-2', storage: 'postgres', bus: () => 'disconnected' })).toEqual({
      status: 503,
      body: { status: 'unavailable', error: 'the storage check failed', instance: 'relay-2', storage: 'postgres', bus: 'disconnected' },
      logged: ['health-check-failed'],
    });
    expect((await health(fails)).body).toEqual({ status: 'unavailable', error: 'the storage check failed' });
  });
});
