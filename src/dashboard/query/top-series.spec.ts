import { columnsFromSamples } from './step-columns';
import { stepGrid } from './step-grid';
import { RankableSeries, topSeries } from './top-series';

const grid = stepGrid(0, 20_000, 10_000);
const series = (agentId: string, zone: string, values: number[]): RankableSeries => ({
  agentId,
  labels: [{ name: 'zone', value: zone }],
  columns: columnsFromSamples(
    grid,
    values.map((_, i) => i * 3_000),
    values,
  ),
});

describe('topSeries', () => {
  const fleet = [
    series('b', 'z1', [1, 2, 9]),
    series('a', 'z2', [4, 4, 4]),
    series('a', 'z1', [4, 4, 4]),
    series('c', 'z1', []),
    series('d', 'z1', [1, 1, 1, 1, 10]),
  ];
  const names = (r: { series: RankableSeries }[]) => r.map(({ series: s }) => `${s.agentId}/${s.labels[0].value}`);

  it('ranks by the average over the range, descending, ties by agent id then labels, without empty series', () => {
    const ranked = topSeries(fleet, { by: 'AVG', stepMs: grid.stepMs });
    expect(names(ranked)).toEqual(['a/z1', 'a/z2', 'b/z1', 'd/z1']);
    expect(ranked.map((r) => r.value)).toEqual([4, 4, 4, 2.8]);
  });

  it('ranks ascending, with a limit, by MAX, P50, SUM and COUNT', () => {
    expect(names(topSeries(fleet, { by: 'MAX', ascending: true, limit: 2, stepMs: grid.stepMs }))).toEqual(['a/z1', 'a/z2']);
    expect(topSeries(fleet, { by: 'P50', stepMs: grid.stepMs }).map((r) => r.value)).toEqual([4, 4, 2, 1]);
    expect(topSeries(fleet, { by: 'SUM', limit: 1, stepMs: grid.stepMs }).map((r) => r.value)).toEqual([14]);
    expect(topSeries(fleet, { by: 'COUNT', limit: 1, stepMs: grid.stepMs }).map((r) => r.value)).toEqual([5]);
    expect(topSeries(fleet, { by: 'AVG', limit: 0, stepMs: grid.stepMs })).toEqual([]);
    expect(() => topSeries(fleet, { by: 'AVG', limit: -1, stepMs: grid.stepMs })).toThrow(RangeError);
  });

  it('ranks by the step values of a function', () => {
    // Steps [0,10s) and [10s,20s): d: 1,1,1,1 | 1,10 -> INCREASE 0, 9; b: 1,2,9 | - -> 8.
    const ranked = topSeries(fleet, { by: 'SUM', fn: 'INCREASE', stepMs: grid.stepMs });
    expect(names(ranked)).toEqual(['d/z1', 'b/z1', 'a/z1', 'a/z2']);
    expect(ranked.map((r) => r.value)).toEqual([9, 8, 0, 0]);
  });
});
