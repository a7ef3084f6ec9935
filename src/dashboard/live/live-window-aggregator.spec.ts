import { LiveWindowAggregator, mergePartials, pairKey, SeriesPartial } from './live-window-aggregator';

const summary = (p: SeriesPartial | undefined) => p && { agentId: p.agentId, count: p.bucket.count, sum: p.bucket.sum, min: p.bucket.min, max: p.bucket.max };

describe('LiveWindowAggregator', () => {
  const window = 5_000;
  const grace = 1_000;

  it('closes a window after its end plus grace, with per-series partials', () => {
    const agg = new LiveWindowAggregator(window, grace);
    agg.watch('prod', 'cpu');
    agg.add('prod', 'cpu', 'a', [], [1_000, 2_000, 6_000], [10, 20, 99]);
    agg.add('prod', 'cpu', 'b', [], [4_999], [5]);
    agg.add('prod', 'cpu', 'b', [{ name: 'core', value: '1' }], [4_000], [7]);

    expect(agg.close(5_999)).toEqual([]);
    const [closed, ...rest] = agg.close(6_000);
    expect(rest).toEqual([]);
    expect(closed).toMatchObject({ environment: 'prod', metric: 'cpu', windowStart: 0, windowEnd: 5_000 });
    expect([...closed.series.values()].map(summary)).toEqual([
      { agentId: 'a', count: 2, sum: 30, min: 10, max: 20 },
      { agentId: 'b', count: 1, sum: 5, min: 5, max: 5 },
      { agentId: 'b', count: 1, sum: 7, min: 7, max: 7 },
    ]);
    expect(summary([...agg.close(11_000)[0].series.values()][0])).toEqual({ agentId: 'a', count: 1, sum: 99, min: 99, max: 99 });
  });

  it('ignores pairs nobody watches and samples for windows already closed', () => {
    const agg = new LiveWindowAggregator(window, grace);
    agg.watch('prod', 'cpu');
    agg.add('prod', 'mem', 'a', [], [1_000], [1]);
    agg.add('dev', 'cpu', 'a', [], [1_000], [1]);
    expect(agg.close(6_000)).toEqual([]);
    agg.add('prod', 'cpu', 'a', [], [1_000], [1]);
    expect(agg.close(20_000)).toEqual([]);
  });

  it('drops open windows when the last watcher, here or on another instance, leaves', () => {
    const agg = new LiveWindowAggregator(window, grace);
    agg.watch('prod', 'cpu');
    agg.watch('prod', 'cpu');
    agg.add('prod', 'cpu', 'a', [], [1_000], [1]);
    agg.unwatch('prod', 'cpu');
    expect(agg.isWatched('prod', 'cpu')).toBe(true);
    agg.unwatch('prod', 'cpu');
    expect(agg.isWatched('prod', 'cpu')).toBe(false);
    expect(agg.openPairs).toBe(0);

    agg.setShared(new Set([pairKey('prod', 'cpu')]));
    expect(agg.localKeys()).toEqual([]);
    agg.add('prod', 'cpu', 'a', [], [2_000], [3]);
    expect(agg.openPairs).toBe(1);
    agg.setShared(new Set());
    expect(agg.openPairs).toBe(0);
    expect(agg.close(6_000)).toEqual([]);
  });

  it('peeks at the open window without closing it, and says when it closes', () => {
    const agg = new LiveWindowAggregator(window, grace);
    agg.watch('prod', 'cpu');
    agg.add('prod', 'cpu', 'a', [], [5_500], [4]);
    expect(agg.peek('prod', 'cpu', 2_000)).toBeUndefined();
    expect(agg.peek('prod', 'cpu', 6_000)?.series.size).toBe(1);
    expect(agg.closesAt(6_000)).toBe(11_000);
    expect(agg.close(10_999)).toEqual([]);
    expect(agg.close(11_000)).toHaveLength(1);
  });

  it('merges partials of the same window exactly, without touching the source', () => {
    const a = new LiveWindowAggregator(window, grace);
    const b = new LiveWindowAggregator(window, grace);
    a.watch('prod', 'cpu');
    b.watch('prod', 'cpu');
    a.add('prod', 'cpu', 'x', [], [100, 200], [1, 2]);
    b.add('prod', 'cpu', 'x', [], [300], [9]);
    b.add('prod', 'cpu', 'y', [], [300], [4]);
    const [wa] = a.close(6_000);
    const [wb] = b.close(6_000);
    mergePartials(wa.series, wb.series);
    expect([...wa.series.values()].map(summary)).toEqual([
      { agentId: 'x', count: 3, sum: 12, min: 1, max: 9 },
      { agentId: 'y', count: 1, sum: 4, min: 4, max: 4 },
    ]);
    expect(summary([...wb.series.values()][0])).toEqual({ agentId: 'x', count: 1, sum: 9, min: 9, max: 9 });
  });
});
