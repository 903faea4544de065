import { afterEach, describe, expect, it } from 'vitest';
import type { CreateRoomResponse } from '@interview/protocol';
import { startServer, type ServerProcess } from '@interview/test-support';

/**
 * Behind a TLS proxy the server learns the browser's scheme, host and
 * address from X-Forwarded-* headers, but only from a proxy TRUST_PROXY
 * names: anyone else could forge them to dodge the limits per address.
 */

const servers: ServerProcess[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop();
});

async function create(server: ServerProcess, headers: Record<string, string>): Promise<Response> {
  return fetch(`${server.url}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });
}

const FORWARDED = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'interviews.example.com' };

describe('X-Forwarded-* headers', () => {
  it('builds links from a trusted proxy’s scheme and host, and counts room creation per forwarded client', async () => {
    const server = await startServer({ env: { TRUST_PROXY: 'loopback', ROOMS_PER_ADDRESS_PER_MINUTE: '1' } });
    servers.push(server);
    const first = await create(server, { ...FORWARDED, 'x-forwarded-for': '203.0.113.7' });
    expect(first.status).toBe(201);
    const room = (await first.json()) as CreateRoomResponse;
    expect(room.interviewerUrl).toMatch(/^https:\/\/interviews\.example\.com\/r\//);
    expect(room.candidateUrl).toMatch(/^https:\/\/interviews\.example\.com\/r\//);
    // Another client behind the same proxy has its own budget; the same one has used its own.
    expect((await create(server, { ...FORWARDED, 'x-forwarded-for': '203.0.113.8' })).status).toBe(201);
    expect((await create(server, { ...FORWARDED, 'x-forwarded-for': '203.0.113.7' })).status).toBe(429);
  });

  it('ignores them without TRUST_PROXY: links follow the connection, and a forged address does not buy more rooms', async () => {
    const server = await startServer({ env: { ROOMS_PER_ADDRESS_PER_MINUTE: '1' } });
    servers.push(server);
    const first = await create(server, { ...FORWARDED, 'x-forwarded-for': '203.0.113.7' });
    expect(first.status).toBe(201);
    const room = (await first.json()) as CreateRoomResponse;
    expect(room.interviewerUrl.startsWith(`${server.url}/r/`)).toBe(true);
    expect((await create(server, { ...FORWARDED, 'x-forwarded-for': '198.51.100.1' })).status).toBe(429);
  });
});
