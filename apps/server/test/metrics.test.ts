import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '@interview/protocol';
import { startServer, waitFor, type ServerProcess } from '@interview/test-support';
import { connectRaw, connectStockClient, createRoom } from './clients.js';

/** `/metrics` of a real server moves with real traffic, and is closed without its token. */

const TOKEN = 'metrics-token-0123456789';
let server: ServerProcess;

beforeAll(async () => {
  server = await startServer({ env: { METRICS_TOKEN: TOKEN } });
});
afterAll(() => server.stop());

async function scrape(): Promise<Map<string, number>> {
  const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const samples = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

describe('/metrics', () => {
  it('answers 401 without the token, and never with figures', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong-token-0123456789' }] as Array<Record<string, string>>) {
      const response = await fetch(`${server.url}/metrics`, { headers });
      expect(response.status).toBe(401);
      expect(await response.text()).not.toContain('interview_');
    }
  });

  it('counts rooms, connections, messages and bytes both ways, refusals by reason and storage latency', async () => {
    const before = await scrape();
    expect(before.get('interview_connections{channel="main"}')).toBe(0);
    expect(before.get('interview_refused_messages_total{reason="bad-message"}')).toBe(0);

    const room = await createRoom(server.url);
    const ada = connectStockClient(server.url, room.roomId, room.interviewerToken, 'Ada');
    const cleo = connectStockClient(server.url, room.roomId, room.candidateToken, 'Cleo');
    await Promise.all([ada.synced(), cleo.synced()]);
    ada.text.insert(0, '# metrics\n');
    await waitFor(() => cleo.text.toString().startsWith('# metrics\n'), { what: 'Cleo to get the edit' });

    const during = await scrape();
    expect(during.get('interview_rooms_created_total')).toBe(1);
    expect(during.get('interview_rooms')).toBe(1);
    expect(during.get('interview_connections{channel="main"}')).toBe(2);
    expect(during.get('interview_messages_received_total')).toBeGreaterThan(before.get('interview_messages_received_total') ?? 0);
    expect(during.get('interview_messages_sent_bytes_total')).toBeGreaterThan(before.get('interview_messages_sent_bytes_total') ?? 0);
    expect(during.get('interview_storage_operation_duration_seconds_count{operation="appendUpdate"}')).toBeGreaterThanOrEqual(1);

    const rude = connectRaw(server.url, room.roomId, room.candidateToken, 'Rude');
    await rude.opened;
    rude.socket.send(Uint8Array.of(0xff, 0xff));
    expect((await rude.closed).code).toBe(CloseCode.BadMessage);
    const unknown = connectRaw(server.url, room.roomId, 'not-the-token', 'Stranger');
    expect((await unknown.closed).code).toBe(CloseCode.Unauthorized);

    ada.destroy();
    cleo.destroy();
    await waitFor(async () => (await scrape()).get('interview_connections{channel="main"}') === 0, { what: 'every connection to be counted closed' });
    const after = await scrape();
    expect(after.get('interview_refused_messages_total{reason="bad-message"}')).toBe(1);
    expect(after.get('interview_refused_messages_total{reason="unauthorized"}')).toBe(1);
    expect(after.get('interview_storage_errors_total{operation="appendUpdate"}')).toBe(0);
    expect(after.get('interview_process_resident_memory_bytes')).toBeGreaterThan(0);
  });
});
