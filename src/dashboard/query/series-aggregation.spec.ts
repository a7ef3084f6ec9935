import { AggregationSeries, aggregateSeries } from './series-aggregation';
import { columnsFromSamples } from './step-columns';
import { stepGrid } from './step-grid';

const arr = (a: ArrayLike<number>) => Array.from(a);
const grid = stepGrid(0, 20_000, 10_000);

function series(labels: Record<string, string>, times: number[], values: number[]): AggregationSeries {
  return { labels: new Map(Object.entries(labels)), columns: columnsFromSamples(grid, times, values) };
}

describe('aggregateSeries', () => {
  // a1 sends 3 samples in step 0, a2 one; step 1 only a2.
  const fleet = [
    series({ agent: 'a1', region: 'eu' }, [1_000, 2_000, 3_000], [1, 2, 3]),
    series({ agent: 'a2', region: 'us' }, [1_000, 11_000], [10, 20]),
    series({ agent: 'a3' }, [], []),
  ];
  const run = (aggregate: Parameters<typeof aggregateSeries>[2]['aggregate'], groupBy?: string[]) =>
    aggregateSeries(fleet, grid, { aggregate, groupBy, stepMs: grid.stepMs });

  it('merges the steps of all series without groupBy', () => {
    const [group, ...rest] = run('AVG');
    expect(rest).toEqual([]);
    expect(group.labels).toEqual([]);
    expect(group.seriesCount).toBe(3);
    expect(arr(group.points.count)).toEqual([4, 1]);
    expect(arr(group.points.sum)).toEqual([16, 20]);
    expect(arr(group.points.min)).toEqual([1, 20]);
    expect(arr(group.points.max)).toEqual([10, 20]);
    expect(arr(group.points.avg)).toEqual([4, 20]);
    expect(arr(group.points.value)).toEqual([4, 20]);
  });

  it('SUM adds the series means, COUNT counts series with data, P* take the merged samples', () => {
    expect(arr(run('SUM')[0].points.value)).toEqual([12, 20]);
    expect(arr(run('COUNT')[0].points.value)).toEqual([2, 1]);
    expect(arr(run('MIN')[0].points.value)).toEqual([1, 20]);
    expect(arr(run('MAX')[0].points.value)).toEqual([10, 20]);
    // Merged [1, 2, 3, 10]: rank 1.5 -> 2.5; not the mean of the per-series medians (2 and 10).
    expect(arr(run('P50')[0].points.value)).toEqual([2.5, 20]);
    expect(run('P99')[0].points.value[0]).toBeCloseTo(3 + 7 * 0.97, 12);
  });

  it('groups by label values, a missing label as ""', () => {
    const groups = run('AVG', ['region']);
    expect(groups.map((g) => g.labels)).toEqual([[], [{ name: 'region', value: 'eu' }], [{ name: 'region', value: 'us' }]]);
    expect(groups.map((g) => arr(g.points.value))).toEqual([
      [NaN, NaN],
      [2, NaN],
      [10, 20],
    ]);
    expect(groups.map((g) => arr(g.points.count))).toEqual([
      [0, 0],
      [3, 0],
      [1, 1],
    ]);
  });

  it('aggregates the function values with a function', () => {
    const counters = [series({ agent: 'a1' }, [1_000, 2_000, 11_000], [1, 4, 6]), series({ agent: 'a2' }, [1_000, 12_000], [5, 2])];
    const at = (aggregate: Parameters<typeof aggregateSeries>[2]['aggregate']) =>
      aggregateSeries(counters, grid, { aggregate, fn: 'INCREASE', stepMs: grid.stepMs })[0].points;
    // a1: [3, 2]; a2: [0, 2 (reset)].
    expect(arr(at('SUM').value)).toEqual([3, 4]);
    expect(arr(at('AVG').value)).toEqual([1.5, 2]);
    expect(arr(at('COUNT').value)).toEqual([2, 2]);
    expect(arr(at('MAX').value)).toEqual([3, 2]);
    expect(arr(at('P50').value)).toEqual([1.5, 2]);
    expect(arr(at('P50').count)).toEqual([2, 2]);
  });

  it('gives one empty group for no series without groupBy, none with', () => {
    expect(aggregateSeries([], stepGrid(0, 2, 1), { aggregate: 'AVG', stepMs: 1 }).map((g) => arr(g.points.value))).toEqual([[NaN, NaN]]);
    expect(aggregateSeries([], stepGrid(0, 2, 1), { aggregate: 'AVG', groupBy: ['x'], stepMs: 1 })).toEqual([]);
  });
});
