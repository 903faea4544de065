import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { metricsRoute } from './metrics-route.js';
import { RelayMetrics } from './relay-metrics.js';

const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))));
});

/** A server with only the metrics route; resolves with a fetch of GET /metrics. */
async function serve(token: string | null, rooms: () => number = () => 2): Promise<(headers?: Record<string, string>) => Promise<Response>> {
  const metrics = new RelayMetrics({ rooms, processMetrics: false });
  metrics.connectionOpened('main');
  const app = express();
  app.use(metricsRoute({ registry: metrics.registry, token }));
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((ready) => server.once('listening', ready));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  return (headers = {}) => fetch(url, { headers });
}

describe('GET /metrics', () => {
  it('answers the Prometheus text format, never cached, when no token is configured', async () => {
    const scrape = await serve(null);
    const response = await scrape();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = await response.text();
    expect(body).toContain('interview_connections{channel="main"} 1');
    expect(body).toContain('interview_rooms 2');
  });

  it('with a token, refuses a scrape without it or with a wrong one (401, no figures)', async () => {
    const scrape = await serve('s3cret-scrape-token');
    const refused: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer wrong' },
      { authorization: 'Basic s3cret-scrape-token' },
      { authorization: 'Bearer s3cret-scrape-tokenX' },
    ];
    for (const headers of refused) {
      const response = await scrape(headers);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(await response.text()).not.toContain('interview_');
    }
  });

  it('with a token, answers a scrape that bears it, whatever the case of the scheme', async () => {
    const scrape = await serve('s3cret-scrape-token');
    for (const authorization of ['Bearer s3cret-scrape-token', 'bearer s3cret-scrape-token']) {
      const response = await scrape({ authorization });
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('interview_rooms 2');
    }
  });

  it('passes a failing collector to the error handler instead of answering half a scrape', async () => {
    const scrape = await serve(null, () => {
      throw new Error('registry gone');
    });
    const response = await scrape();
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain('interview_connections');
  });
});
