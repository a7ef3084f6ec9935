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
    expect(writes).toEqual([[1, 2], [3, 4, 5]]);
  });

  it('fails every caller of a failed write and goes on with the next', async () => {
    let fail = true;
    const log = new GroupCommit<number>(async () => {
      if (fail) throw new Error('disk full');
    });
    await expect(Promise.all([log.append(1), log.append(2)])).rejects.toThrow('disk full');
    fail = false;
    await expect(log.append(3)).resolves.toBeUndefined();
  });
});
