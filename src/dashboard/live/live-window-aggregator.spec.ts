import { LiveWindowAggregator } from './live-window-aggregator';

describe('LiveWindowAggregator', () => {
  const window = 5_000;
  const grace = 1_000;

  it('closes a window after its end plus grace, with per-agent aggregates', () => {
    const agg = new LiveWindowAggregator(window, grace);
    agg.watch('prod', 'cpu');
    agg.add('prod', 'cpu', 'a', [1_000, 2_000, 6_000], [10, 20, 99]);
    agg.add('prod', 'cpu', 'b', [4_999], [5]);

    expect(agg.close(5_999)).toEqual([]);
    const [closed, ...rest] = agg.close(6_000);
    expect(rest).toEqual([]);
    expect(closed).toMatchObject({ environment: 'prod', metric: 'cpu', windowStart: 0, windowEnd: 5_000 });
    expect(Object.fromEntries(closed.perAgent)).toEqual({
      a: { count: 2, sum: 30, min: 10, max: 20 },
      b: { count: 1, sum: 5, min: 5, max: 5 },
    });
    expect(agg.close(11_000)[0].perAgent.get('a')).toEqual({ count: 1, sum: 99, min: 99, max: 99 });
  });

  it('ignores pairs nobody watches and samples for windows already closed', () => {
    const agg = new LiveWindowAggregator(window, grace);
    agg.watch('prod', 'cpu');
    agg.add('prod', 'mem', 'a', [1_000], [1]);
    agg.add('dev', 'cpu', 'a', [1_000], [1]);
    expect(agg.close(6_000)).toEqual([]);
    agg.add('prod', 'cpu', 'a', [1_000], [1]);
    expect(agg.close(20_000)).toEqual([]);
  });

  it('drops open windows when the last watcher leaves', () => {
    const agg = new LiveWindowAggregator(window, grace);
    agg.watch('prod', 'cpu');
    agg.watch('prod', 'cpu');
    agg.add('prod', 'cpu', 'a', [1_000], [1]);
    agg.unwatch('prod', 'cpu');
    expect(agg.isWatched('prod', 'cpu')).toBe(true);
    agg.unwatch('prod', 'cpu');
    expect(agg.isWatched('prod', 'cpu')).toBe(false);
    agg.watch('prod', 'cpu');
    expect(agg.close(6_000)).toEqual([]);
  });
});
