import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RoomEvent, RunRecordView } from '@interview/protocol';
import { newestFirst, runRow, RunHistorySync } from './run-history.js';

const grace = { name: 'Grace', role: 'interviewer' as const };

function record(runId: string, finished: boolean): RunRecordView {
  return {
    runId,
    language: 'python',
    code: 'print(1)\n',
    by: grace,
    startedAt: new Date(2026, 2, 1, 10, 3, 12).toISOString(),
    finishedAt: finished ? new Date(2026, 2, 1, 10, 3, 13).toISOString() : null,
    status: finished ? 'ok' : null,
    output: finished ? '1\n' : '',
    error: null,
    durationMs: finished ? 1234 : null,
  };
}

const start = (runId: string): RoomEvent => ({ type: 'execute-code', payload: { runId, language: 'python', code: 'print(1)\n' } });
const result = (runId: string): RoomEvent => ({ type: 'execution-result', payload: { runId, output: '1\n', error: null, status: 'ok' } });

/** A server whose record the test sets, counting requests and letting the test decide when each answers. */
function fakeServer() {
  let records: RunRecordView[] = [];
  const pending: Array<() => void> = [];
  const server = {
    requests: 0,
    autoAnswer: true,
    set(next: RunRecordView[]) {
      records = next;
    },
    load: () =>
      new Promise<RunRecordView[]>((resolve) => {
        server.requests++;
        const answer = () => resolve(records.map((r) => ({ ...r })));
        if (server.autoAnswer) answer();
        else pending.push(answer);
      }),
    answerAll() {
      for (const answer of pending.splice(0)) answer();
    },
  };
  return server;
}

function sync(server: ReturnType<typeof fakeServer>) {
  const changes: Array<readonly RunRecordView[]> = [];
  const errors: unknown[] = [];
  const history = new RunHistorySync({
    load: server.load,
    onChange: (runs) => changes.push(runs),
    onError: (error) => errors.push(error),
    settleMs: 100,
    maxTries: 3,
  });
  return { history, changes, errors };
}

describe('RunHistorySync', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('loads at once on refresh', async () => {
    const server = fakeServer();
    server.set([record('a', true)]);
    const { history, changes } = sync(server);
    history.refresh();
    await vi.advanceTimersByTimeAsync(0);
    expect(server.requests).toBe(1);
    expect(changes.at(-1)?.map((r) => r.runId)).toEqual(['a']);
  });

  it('asks again shortly after a run starts and after it finishes, coalescing a burst of events', async () => {
    const server = fakeServer();
    const { history, changes } = sync(server);
    server.set([record('a', false)]);
    history.heard(start('a'));
    history.heard({ type: 'execution-output', payload: { runId: 'a', stream: 'stdout', text: 'x' } });
    history.heard(start('a'));
    await vi.advanceTimersByTimeAsync(99);
    expect(server.requests).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.requests).toBe(1);
    expect(changes.at(-1)?.[0]?.status).toBeNull();

    server.set([record('a', true)]);
    history.heard(result('a'));
    await vi.advanceTimersByTimeAsync(100);
    expect(server.requests).toBe(2);
    expect(changes.at(-1)?.[0]?.status).toBe('ok');
    // Everything announced is in the record: no more requests.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(server.requests).toBe(2);
  });

  it('asks again, further apart, while the record trails an event, and gives up after a few tries', async () => {
    const server = fakeServer();
    const { history } = sync(server);
    history.heard(start('late'));
    await vi.advanceTimersByTimeAsync(100);
    expect(server.requests).toBe(1);
    await vi.advanceTimersByTimeAsync(199);
    expect(server.requests).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.requests).toBe(2);
    server.set([record('late', false)]);
    await vi.advanceTimersByTimeAsync(400);
    expect(server.requests).toBe(3);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(server.requests).toBe(3);

    // A run that never reaches the record (sent while offline): three tries, then silence.
    history.heard(start('never'));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(server.requests).toBe(6);
  });

  it('never has two requests on their way: one asked for meanwhile follows the first', async () => {
    const server = fakeServer();
    server.autoAnswer = false;
    const { history } = sync(server);
    history.refresh();
    await vi.advanceTimersByTimeAsync(0);
    history.refresh();
    history.heard(result('a'));
    await vi.advanceTimersByTimeAsync(1000);
    expect(server.requests).toBe(1);
    server.set([record('a', true)]);
    server.answerAll();
    await vi.advanceTimersByTimeAsync(100);
    expect(server.requests).toBe(2);
  });

  it('reports a failed request and stops after dispose', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const history = new RunHistorySync({
      load: async () => {
        calls++;
        throw new Error('offline');
      },
      onChange: () => {},
      onError: (error) => errors.push(error),
      settleMs: 100,
    });
    history.refresh();
    await vi.advanceTimersByTimeAsync(0);
    expect(errors).toHaveLength(1);
    history.heard(start('a'));
    history.dispose();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toBe(1);
  });
});

describe('run rows', () => {
  it('say who, when, language, status and duration', () => {
    expect(runRow(record('a', true))).toEqual({
      runId: 'a',
      who: 'Grace',
      when: '10:03:12',
      language: 'Python',
      status: 'Finished',
      phase: 'ok',
      duration: '1.2 s',
    });
    expect(runRow(record('b', false))).toMatchObject({ status: 'Running…', phase: 'running', duration: null });
  });

  it('list the newest first', () => {
    expect(newestFirst([record('a', true), record('b', true)]).map((r) => r.runId)).toEqual(['b', 'a']);
  });
});
