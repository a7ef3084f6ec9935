import { TrendBucketer } from './trend-bucketer';

describe('TrendBucketer', () => {
  it('puts each sample in the step-aligned bucket of its agent', () => {
    const bucketer = new TrendBucketer(0, 300_000, 60_000);
    bucketer.add('b', [0, 59_999, 60_000], [1, 3, 10]);
    bucketer.add('a', [120_000], [-2]);
    expect(bucketer.result()).toEqual([
      { agentId: 'a', buckets: [{ start: 120_000, count: 1, sum: -2, min: -2, max: -2 }] },
      {
        agentId: 'b',
        buckets: [
          { start: 0, count: 2, sum: 4, min: 1, max: 3 },
          { start: 60_000, count: 1, sum: 10, min: 10, max: 10 },
        ],
      },
    ]);
  });

  it('ignores samples outside [from, to) and agents left with nothing', () => {
    const bucketer = new TrendBucketer(60_000, 120_000, 60_000);
    bucketer.add('a', [59_999, 60_000, 120_000], [1, 2, 3]);
    bucketer.add('b', [0], [1]);
    expect(bucketer.result()).toEqual([{ agentId: 'a', buckets: [{ start: 60_000, count: 1, sum: 2, min: 2, max: 2 }] }]);
  });

  it('merges out-of-order samples into the same bucket', () => {
    const bucketer = new TrendBucketer(0, 10_000, 5_000);
    bucketer.add('a', [4_000, 1_000], [5, 7]);
    bucketer.add('a', [2_000], [6]);
    expect(bucketer.result()[0].buckets).toEqual([{ start: 0, count: 3, sum: 18, min: 5, max: 7 }]);
  });
});
