import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { OrderedDelivery } from './ordered-delivery.js';

/** A write whose outcome the test decides. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** One full turn of the event loop: every settled promise has run its handlers, and Node has looked for unhandled rejections. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('OrderedDelivery', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  afterEach(() => {
    unhandled.length = 0;
  });
  afterAll(() => {
    process.off('unhandledRejection', onUnhandled);
  });

  it('delivers only after the write resolved, with its value', async () => {
    const delivery = new OrderedDelivery();
    const write = deferred<number>();
    const delivered: number[] = [];
    delivery.after(write.promise, (seq) => delivered.push(seq), () => {});
    await nextTurn();
    expect(delivered).toEqual([]);
    write.resolve(42);
    await delivery.drained();
    expect(delivered).toEqual([42]);
  });

  it('delivers in the order queued even when later writes finish first', async () => {
    const delivery = new OrderedDelivery();
    const writes = [deferred<number>(), deferred<number>(), deferred<number>()];
    const delivered: number[] = [];
    for (const write of writes) delivery.after(write.promise, (seq) => delivered.push(seq), () => {});
    writes[2]!.resolve(3);
    writes[1]!.resolve(2);
    await nextTurn();
    expect(delivered).toEqual([]);
    writes[0]!.resolve(1);
    await delivery.drained();
    expect(delivered).toEqual([1, 2, 3]);
  });

  it('reports a failed write to onError and still delivers the writes queued after it', async () => {
    const delivery = new OrderedDelivery();
    const log: string[] = [];
    delivery.after(Promise.resolve(1), (v) => log.push(`deliver ${v}`), (e) => log.push(`error ${String(e)}`));
    delivery.after(Promise.reject(new Error('disk full')), (v) => log.push(`deliver ${v}`), (e) => log.push(`error ${(e as Error).message}`));
    delivery.after(Promise.resolve(3), (v) => log.push(`deliver ${v}`), (e) => log.push(`error ${String(e)}`));
    await delivery.drained();
    expect(log).toEqual(['deliver 1', 'error disk full', 'deliver 3']);
  });

  it('does not leak an unhandled rejection when a write fails while an earlier one is still in flight', async () => {
    const delivery = new OrderedDelivery();
    const first = deferred<number>();
    const second = deferred<number>();
    const log: string[] = [];
    delivery.after(first.promise, (v) => log.push(`deliver ${v}`), () => log.push('error 1'));
    delivery.after(second.promise, (v) => log.push(`deliver ${v}`), (e) => log.push(`error ${(e as Error).message}`));
    // The second write fails first: nothing has chained onto it yet.
    second.reject(new Error('connection lost'));
    await nextTurn();
    await nextTurn();
    expect(unhandled).toEqual([]);
    expect(log).toEqual([]);
    first.resolve(1);
    await delivery.drained();
    expect(log).toEqual(['deliver 1', 'error connection lost']);
    expect(unhandled).toEqual([]);
  });

  it('runs whenDelivered at once when nothing is in flight', () => {
    const delivery = new OrderedDelivery();
    const deliver = vi.fn();
    delivery.whenDelivered(deliver);
    expect(deliver).toHaveBeenCalledTimes(1);
  });

  it('runs whenDelivered after the writes in flight, and at once again once they are done', async () => {
    const delivery = new OrderedDelivery();
    const write = deferred<number>();
    const log: string[] = [];
    delivery.after(write.promise, (v) => log.push(`update ${v}`), () => {});
    delivery.whenDelivered(() => log.push('answer'));
    await nextTurn();
    expect(log).toEqual([]);
    write.resolve(7);
    await delivery.drained();
    expect(log).toEqual(['update 7', 'answer']);
    delivery.whenDelivered(() => log.push('immediate'));
    expect(log).toEqual(['update 7', 'answer', 'immediate']);
  });

  it('runs whenDelivered after a failed write too', async () => {
    const delivery = new OrderedDelivery();
    const write = deferred<number>();
    const log: string[] = [];
    delivery.after(write.promise, () => log.push('delivered'), () => log.push('failed'));
    delivery.whenDelivered(() => log.push('answer'));
    write.reject(new Error('no'));
    await delivery.drained();
    expect(log).toEqual(['failed', 'answer']);
  });

  it('drained waits for everything queued so far', async () => {
    const delivery = new OrderedDelivery();
    await delivery.drained(); // nothing queued: resolves
    const write = deferred<number>();
    let drained = false;
    delivery.after(write.promise, () => {}, () => {});
    void delivery.drained().then(() => (drained = true));
    await nextTurn();
    expect(drained).toBe(false);
    write.resolve(1);
    await vi.waitFor(() => expect(drained).toBe(true));
  });
});
