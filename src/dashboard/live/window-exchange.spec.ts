import { LiveWindowAggregator } from './live-window-aggregator';
import { decodePartials, encodePartials, PartialMessage, WindowMerger } from './window-exchange';

function closedWindow(samples: [agentId: string, t: number, v: number][]) {
  const agg = new LiveWindowAggregator(5_000, 1_000);
  agg.watch('prod', 'cpu');
  for (const [agentId, t, v] of samples) agg.add('prod', 'cpu', agentId, agentId === 'l' ? [{ name: 'k', value: 'v' }] : [], [t], [v]);
  return agg.close(6_000)[0];
}

describe('window exchange', () => {
  it('round-trips partials through JSON with their sketches', () => {
    const w = closedWindow([
      ['a', 100, 1],
      ['a', 200, 50],
      ['a', 300, -3],
      ['l', 400, 7],
    ]);
    const back = decodePartials(JSON.parse(JSON.stringify(encodePartials('i1', 5_000, w))) as PartialMessage);
    expect(back).toMatchObject({ environment: 'prod', metric: 'cpu', windowStart: 0, windowEnd: 5_000 });
    expect([...back.series.keys()]).toEqual([...w.series.keys()]);
    const a = [...back.series.values()][0].bucket;
    expect([a.count, a.sum, a.min, a.max, a.quantile(0.5)]).toEqual([3, 48, -3, 50, w.series.values().next().value!.bucket.quantile(0.5)]);
    expect([...back.series.values()][1].labels).toEqual([{ name: 'k', value: 'v' }]);
  });

  it('refuses a partial whose bucket is not of its window', () => {
    const message = encodePartials('i1', 5_000, closedWindow([['a', 100, 1]]));
    expect(() => decodePartials({ ...message, start: 5_000 })).toThrow(RangeError);
  });

  it('merges partials of a window from any instance and releases it at end + grace + delay; later ones are late', () => {
    const merger = new WindowMerger(5_000, 1_000, 300);
    merger.add(closedWindow([['a', 100, 1]]));
    merger.add(closedWindow([['b', 100, 3]]));
    merger.add(closedWindow([['a', 200, 5]]));
    expect(merger.take(6_299)).toEqual([]);
    const [merged, ...rest] = merger.take(6_300);
    expect(rest).toEqual([]);
    expect([...merged.series.values()].map((s) => [s.agentId, s.bucket.count, s.bucket.sum])).toEqual([
      ['a', 2, 6],
      ['b', 1, 3],
    ]);
    expect(merger.size).toBe(0);
    merger.add(closedWindow([['c', 100, 1]]));
    expect(merger.late).toBe(1);
    expect(merger.size).toBe(0);
  });
});
