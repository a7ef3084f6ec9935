import { GroupCommit } from './group-commit';

describe('GroupCommit', () => {
  it('writes entries appended together in one write, and later ones in the next', async () => {
    const writes: number[][] = [];
    let release: () => void = () => {};
    const log = new GroupCommit<number>(async (entries) => {
      writes.push(entries);
      if (writes.length === 1) await new Promise<void>((r) => (release = r));
    });
    const first = [log.append(1), log.append(2)];
    await new Promise((r) => setImmediate(r));
    const second = [log.append(3), log.append(4), log.append(5)];
    release();
    await Promise.all([...first, ...second]);
    expect(writes).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
  });

  it('fails every caller of a failed write and goes on with the next', async () => {
    let fail = true;
    const log = new GroupCommit<number>(() => (fail ? Promise.reject(new Error('disk full')) : Promise.resolve()));
    await expect(Promise.all([log.append(1), log.append(2)])).rejects.toThrow('disk full');
    fail = false;
    await expect(log.append(3)).resolves.toBeUndefined();
  });

  it('refuses entries past its bound of pending bytes with UNAVAILABLE, and takes them again once written', async () => {
    let release: () => void = () => {};
    const log = new GroupCommit<number>(() => new Promise<void>((r) => (release = r)), { log: 'test', maxBytes: 100, size: (n) => n });
    const big = log.append(150); // taken however big: nothing else is pending
    await expect(log.append(1)).rejects.toMatchObject({ code: 'UNAVAILABLE', extensions: { retryAfterSeconds: 1 } });
    await new Promise((r) => setImmediate(r));
    release();
    await big;
    const within = [log.append(60), log.append(40)];
    await expect(log.append(1)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await new Promise((r) => setImmediate(r));
    release();
    await Promise.all(within);
  });

  describe('idle', () => {
    /** Lets pending callbacks, microtasks and setImmediate turns run. */
    const settle = async () => {
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    };

    it('resolves at once when nothing was ever appended', async () => {
      const log = new GroupCommit<number>(async () => {});
      await expect(log.idle()).resolves.toBeUndefined();
    });

    it('resolves only once every entry appended so far is written, including those of a later group', async () => {
      const written: number[] = [];
      const releases: (() => void)[] = [];
      const log = new GroupCommit<number>(async (entries) => {
        await new Promise<void>((r) => releases.push(r));
        written.push(...entries);
      });
      const appended = [log.append(1), log.append(2)];
      let idle = false;
      const done = log.idle().then(() => (idle = true));
      await settle();
      // The first write is in flight; an entry appended now goes to the next write.
      appended.push(log.append(3));
      expect(releases).toHaveLength(1);
      releases[0]();
      await settle();
      expect(written).toEqual([1, 2]);
      expect(idle).toBe(false);
      expect(releases).toHaveLength(2);
      releases[1]();
      await done;
      expect(written).toEqual([1, 2, 3]);
      await Promise.all(appended);
    });

    it('waits for a write in flight even when nothing more is pending', async () => {
      let release: () => void = () => {};
      let written = false;
      const log = new GroupCommit<number>(async () => {
        await new Promise<void>((r) => (release = r));
        written = true;
      });
      const appended = log.append(1);
      await settle();
      // The entry has left the queue and is being written.
      let idle = false;
      const done = log.idle().then(() => (idle = true));
      await settle();
      expect(idle).toBe(false);
      release();
      await done;
      expect(written).toBe(true);
      await appended;
    });

    it('resolves every waiter, also after a failed write', async () => {
      let release: () => void = () => {};
      const log = new GroupCommit<number>(async () => {
        await new Promise<void>((r) => (release = r));
        throw new Error('disk full');
      });
      const appended = log.append(1).catch((error: Error) => error.message);
      const waiters = [log.idle(), log.idle()];
      let resolved = 0;
      waiters.forEach((w) => void w.then(() => resolved++));
      await settle();
      expect(resolved).toBe(0);
      release();
      await Promise.all(waiters);
      expect(resolved).toBe(2);
      expect(await appended).toBe('disk full');
    });

    it('resolves at once again after the log has drained', async () => {
      const log = new GroupCommit<number>(async () => {});
      await log.append(1);
      await log.idle();
      let idle = false;
      void log.idle().then(() => (idle = true));
      await Promise.resolve();
      expect(idle).toBe(true);
    });
  });
});
