import { bounded, BoundedQueue } from './bounded-queue';

async function drain<T>(queue: BoundedQueue<T>): Promise<T[]> {
  const out: T[] = [];
  while (queue.length > 0) out.push((await queue.next()).value as T);
  return out;
}

describe('BoundedQueue', () => {
  it('hands a message straight to a waiting consumer, and queues in order otherwise', async () => {
    const q = new BoundedQueue<number>({ capacity: 3 });
    const waiting = q.next();
    q.push(1);
    expect(await waiting).toEqual({ value: 1, done: false });
    q.push(2);
    q.push(3);
    expect(await drain(q)).toEqual([2, 3]);
  });

  it('drops the oldest past capacity and reports the drops since the consumer last read, and how long ago', async () => {
    const drops: [number, number][] = [];
    let now = 100;
    const q = new BoundedQueue<number>({ capacity: 2, now: () => now, onDrop: (n, ms) => drops.push([n, ms]) });
    [1, 2, 3].forEach((n) => q.push(n));
    now = 150;
    q.push(4);
    expect(q.dropped).toBe(2);
    expect(drops).toEqual([
      [1, 0],
      [2, 50],
    ]);
    expect(await q.next()).toEqual({ value: 3, done: false });
    q.push(5);
    now = 170;
    q.push(6);
    expect(drops).toEqual([
      [1, 0],
      [2, 50],
      [1, 20],
    ]);
    expect(await drain(q)).toEqual([5, 6]);
  });

  it('coalesces messages of one key in place, merged, without dropping others', async () => {
    const q = new BoundedQueue<{ k?: string; v: number }>({ capacity: 3, keyOf: (m) => m.k, merge: (a, b) => ({ k: a.k, v: a.v + b.v }) });
    q.push({ k: 'x', v: 1 });
    q.push({ v: 10 });
    q.push({ k: 'x', v: 2 });
    q.push({ k: 'y', v: 5 });
    q.push({ k: 'x', v: 4 });
    expect(q.dropped).toBe(0);
    expect(await drain(q)).toEqual([{ k: 'x', v: 7 }, { v: 10 }, { k: 'y', v: 5 }]);
  });

  it('runs cleanup once when returned, ends a waiting consumer, and ignores later pushes', async () => {
    const cleanup = jest.fn();
    const q = new BoundedQueue<number>({ capacity: 2, cleanup });
    const waiting = q.next();
    await q.return();
    await q.return();
    expect(await waiting).toEqual({ value: undefined, done: true });
    q.push(1);
    expect(q.length).toBe(0);
    expect(cleanup).toHaveBeenCalledTimes(1);
  });

  it('drains a source eagerly into the bound, and returns the source when the subscription ends', async () => {
    let returned = false;
    let n = 0;
    const source: AsyncIterator<number> = {
      next: () => Promise.resolve(n < 10 ? { value: ++n, done: false } : new Promise<IteratorResult<number>>(() => {})),
      return: () => {
        returned = true;
        return Promise.resolve({ value: undefined, done: true });
      },
    };
    const q = bounded(source, { capacity: 3 });
    while (n < 10) await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(q.dropped).toBe(7);
    expect(await drain(q)).toEqual([8, 9, 10]);
    await q.return();
    expect(returned).toBe(true);
  });
});
