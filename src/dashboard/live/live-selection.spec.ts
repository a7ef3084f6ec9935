import { RollupBucket } from '../../storage/rollups/rollup-bucket';
import { compileMatchers } from '../query/label-matcher';
import { groupWindow, quantileOfBucket, rankWindow } from './live-selection';
import { SeriesPartial } from './live-window-aggregator';

function partial(agentId: string, values: number[], labels: { name: string; value: string }[] = []): SeriesPartial {
  const bucket = new RollupBucket(0);
  values.forEach((v) => bucket.add(v));
  return { agentId, labels, bucket };
}

const agentLabels: Record<string, { name: string; value: string }[]> = {
  a: [{ name: 'region', value: 'eu' }],
  b: [{ name: 'region', value: 'us' }],
  c: [{ name: 'region', value: 'eu' }],
};
const labelsOf = (agentId: string) => agentLabels[agentId];

describe('live selection', () => {
  const series = [
    partial('a', [1, 2, 3]),
    partial('b', [10]),
    partial('c', [5], [{ name: 'region', value: 'us' }]), // the series' own label wins over the agent's
    partial('d', [100]),
  ];

  it('aggregates the whole fleet with agents counted once, and a p95 from the merged sketch', () => {
    const [fleet, ...rest] = groupWindow([...series, partial('a', [4], [{ name: 'core', value: '1' }])], 0, { groupBy: [] }, labelsOf);
    expect(rest).toEqual([]);
    expect(fleet).toMatchObject({ labels: [], agents: 4 });
    expect(fleet.bucket).toMatchObject({ count: 7, sum: 125, min: 1, max: 100 });
    // As trends: rank 0.95 * (7 - 1) = 5.7 of [1, 2, 3, 4, 5, 10, 100] interpolates to 73, within the sketch's 1%.
    expect(quantileOfBucket(fleet.bucket, 0.95)).toBeGreaterThan(72);
    expect(quantileOfBucket(fleet.bucket, 0.95)).toBeLessThan(74);
  });

  it('selects by agent ids and by matchers on effective labels (heartbeat labels, series labels, agent)', () => {
    const eu = groupWindow(series, 0, { match: compileMatchers([{ name: 'region', value: 'eu' }]), groupBy: [] }, labelsOf);
    expect(eu.map((g) => [g.agents, g.bucket.count])).toEqual([[1, 3]]);
    const noRegion = groupWindow(series, 0, { match: compileMatchers([{ name: 'region', value: '' }]), groupBy: [] }, labelsOf);
    expect(noRegion.map((g) => g.bucket.sum)).toEqual([100]);
    const byAgent = groupWindow(series, 0, { match: compileMatchers([{ name: 'agent', op: 'REGEX', value: 'a|b' }]), groupBy: [] }, labelsOf);
    expect(byAgent.map((g) => g.agents)).toEqual([2]);
    const ids = groupWindow(series, 0, { agentIds: new Set(['b', 'zz']), groupBy: [] }, labelsOf);
    expect(ids.map((g) => g.bucket.sum)).toEqual([10]);
    expect(groupWindow(series, 0, { agentIds: new Set(['zz']), groupBy: [] }, labelsOf)).toEqual([]);
  });

  it('groups by labels, a missing one counting as "" and left out of the group labels', () => {
    const groups = groupWindow(series, 0, { groupBy: ['region'] }, labelsOf);
    expect(groups.map((g) => ({ labels: g.labels, agents: g.agents, sum: g.bucket.sum }))).toEqual([
      { labels: [], agents: 1, sum: 100 },
      { labels: [{ name: 'region', value: 'eu' }], agents: 1, sum: 6 },
      { labels: [{ name: 'region', value: 'us' }], agents: 2, sum: 15 },
    ]);
  });

  it('ranks series by an aggregate, ties by agent id, at most limit', () => {
    const top = rankWindow(series, { groupBy: [] }, labelsOf, { by: 'MAX', limit: 2, ascending: false });
    expect(top.map((r) => [r.agentId, r.value])).toEqual([
      ['d', 100],
      ['b', 10],
    ]);
    const low = rankWindow([...series, partial('e', [2])], { match: compileMatchers([{ name: 'agent', op: 'NEQ', value: 'd' }]), groupBy: [] }, labelsOf, {
      by: 'AVG',
      limit: 10,
      ascending: true,
    });
    expect(low.map((r) => [r.agentId, r.value])).toEqual([
      ['a', 2],
      ['e', 2],
      ['c', 5],
      ['b', 10],
    ]);
    expect(rankWindow(series, { groupBy: [] }, labelsOf, { by: 'COUNT', limit: 1, ascending: false })[0]).toEqual({ agentId: 'a', labels: [], value: 3 });
  });
});
