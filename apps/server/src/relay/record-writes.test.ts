import { describe, expect, it } from 'vitest';
import { RecordWrites } from './record-writes.js';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('RecordWrites', () => {
  it('reports a failed write with what it was and resolves undefined instead of rejecting', async () => {
    const reported: Array<[string, unknown]> = [];
    const writes = new RecordWrites((what, error) => reported.push([what, error]));
    const failure = new Error('disk full');
    await expect(writes.run('signal-not-stored', () => Promise.reject(failure))).resolves.toBeUndefined();
    await expect(
      writes.run('thrown', () => {
        throw failure;
      }),
    ).resolves.toBeUndefined();
    await expect(writes.run('fine', async () => 7)).resolves.toBe(7);
    expect(reported).toEqual([
      ['signal-not-stored', failure],
      ['thrown', failure],
    ]);
  });

  it('starts a write given `after` only once that settled, even when it failed', async () => {
    const writes = new RecordWrites(() => {});
    const first = deferred<void>();
    const order: string[] = [];
    const a = writes.run('a', () => first.promise.then(() => void order.push('a')));
    const b = writes.run('b', async () => void order.push('b'), a);
    await Promise.resolve();
    expect(order).toEqual([]);
    first.reject(new Error('a failed'));
    await b;
    expect(order).toEqual(['b']);
  });

  it('settles once every pending write has, including writes started while waiting', async () => {
    const writes = new RecordWrites(() => {});
    const slow = deferred<void>();
    let chainedDone = false;
    const first = writes.run('slow', () => slow.promise);
    writes.run('chained', async () => void (chainedDone = true), first);
    let settled = false;
    const waiting = writes.settled().then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    slow.resolve();
    await waiting;
    expect(chainedDone).toBe(true);
  });
});
