import { register as globalRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { sampleValue } from './metrics-test-kit.js';
import { REFUSAL_REASONS } from './refusal-reasons.js';
import { RelayMetrics } from './relay-metrics.js';

const quiet = (rooms: () => number = () => 0) => new RelayMetrics({ rooms, processMetrics: false });

describe('RelayMetrics', () => {
  it('counts messages and bytes in and out, and keeps counting across scrapes', async () => {
    const metrics = quiet();
    metrics.frameIn(10);
    metrics.frameIn(32);
    metrics.frameOut(7);
    let text = await metrics.registry.metrics();
    expect(sampleValue(text, 'interview_messages_received_total')).toBe(2);
    expect(sampleValue(text, 'interview_messages_received_bytes_total')).toBe(42);
    expect(sampleValue(text, 'interview_messages_sent_total')).toBe(1);
    expect(sampleValue(text, 'interview_messages_sent_bytes_total')).toBe(7);

    metrics.frameOut(3);
    text = await metrics.registry.metrics();
    // Counters: the second scrape adds to the first, it does not restart from 0.
    expect(sampleValue(text, 'interview_messages_received_total')).toBe(2);
    expect(sampleValue(text, 'interview_messages_sent_total')).toBe(2);
    expect(sampleValue(text, 'interview_messages_sent_bytes_total')).toBe(10);
    expect(text).toContain('# TYPE interview_messages_sent_bytes_total counter');
  });

  it('tracks open connections per channel, every channel present from the start', async () => {
    const metrics = quiet();
    let text = await metrics.registry.metrics();
    for (const channel of ['main', 'statement', 'notes']) expect(sampleValue(text, `interview_connections{channel="${channel}"}`)).toBe(0);
    metrics.connectionOpened('main');
    metrics.connectionOpened('main');
    metrics.connectionOpened('notes');
    metrics.connectionClosed('main');
    text = await metrics.registry.metrics();
    expect(sampleValue(text, 'interview_connections{channel="main"}')).toBe(1);
    expect(sampleValue(text, 'interview_connections{channel="notes"}')).toBe(1);
    expect(sampleValue(text, 'interview_connections{channel="statement"}')).toBe(0);
    expect(text).toContain('# TYPE interview_connections gauge');
  });

  it('reads the loaded rooms at each scrape', async () => {
    let loaded = 3;
    const metrics = quiet(() => loaded);
    expect(sampleValue(await metrics.registry.metrics(), 'interview_rooms')).toBe(3);
    loaded = 0;
    expect(sampleValue(await metrics.registry.metrics(), 'interview_rooms')).toBe(0);
  });

  it('counts refusals by reason, every reason present at 0 from the start', async () => {
    const metrics = quiet();
    const before = await metrics.registry.metrics();
    for (const reason of REFUSAL_REASONS) expect(sampleValue(before, `interview_refused_messages_total{reason="${reason}"}`)).toBe(0);
    metrics.refused('too-many-messages');
    metrics.refused('too-many-messages');
    metrics.refused('heartbeat-timeout');
    const after = await metrics.registry.metrics();
    expect(sampleValue(after, 'interview_refused_messages_total{reason="too-many-messages"}')).toBe(2);
    expect(sampleValue(after, 'interview_refused_messages_total{reason="heartbeat-timeout"}')).toBe(1);
    expect(sampleValue(after, 'interview_refused_messages_total{reason="bad-message"}')).toBe(0);
  });

  it('counts rooms created', async () => {
    const metrics = quiet();
    expect(sampleValue(await metrics.registry.metrics(), 'interview_rooms_created_total')).toBe(0);
    metrics.roomCreated();
    expect(sampleValue(await metrics.registry.metrics(), 'interview_rooms_created_total')).toBe(1);
  });

  it('adds prefixed process metrics by default, in its own registry: two servers in one process do not clash', async () => {
    const first = new RelayMetrics({ rooms: () => 1 });
    const second = new RelayMetrics({ rooms: () => 2 });
    first.frameIn(5);
    const [a, b] = await Promise.all([first.registry.metrics(), second.registry.metrics()]);
    expect(sampleValue(a, 'interview_process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sampleValue(a, 'interview_messages_received_total')).toBe(1);
    expect(sampleValue(b, 'interview_messages_received_total')).toBe(0);
    expect(sampleValue(b, 'interview_rooms')).toBe(2);
    expect(await globalRegistry.metrics()).not.toContain('interview_');
    expect(await quiet().registry.metrics()).not.toContain('interview_process_cpu');
  });
});
