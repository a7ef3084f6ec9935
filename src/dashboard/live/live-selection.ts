import type { Label } from '../../common/labels/label';
import { RollupBucket } from '../../storage/rollups/rollup-bucket';
import { decodeBucketColumns, encodeBuckets } from '../../storage/rollups/rollup-codec';
import { effectiveLabels, LabelLookup } from '../query/label-matcher';
import { QuantileBuffer } from '../query/quantile';
import { AGGREGATE_QUANTILES, SeriesAggregate } from '../query/series-aggregation';
import { SeriesPartial } from './live-window-aggregator';

/**
 * Which series of a window a live subscription sees, with the query engine's semantics: agent ids,
 * matchers on effective labels (heartbeat labels of the agent, the series' own labels winning a
 * clash, `agent`), and groups by the `groupBy` labels (a missing label counts as ""; a group's
 * labels are those with non-empty values).
 */
export interface LiveSelector {
  agentIds?: ReadonlySet<string>;
  match?: (lookup: LabelLookup) => boolean;
  groupBy: readonly string[];
}

/** The heartbeat labels of an agent. */
export type AgentLabelsOf = (agentId: string) => readonly Label[] | undefined;

export interface WindowGroup {
  labels: Label[];
  /** All selected samples of the group in the window. */
  bucket: RollupBucket;
  /** Distinct agents among the group's series. */
  agents: number;
}

/** The selected series of a window, one group per distinct groupBy value (none: one group of all), sorted by those values. */
export function groupWindow(series: Iterable<SeriesPartial>, windowStart: number, selector: LiveSelector, agentLabelsOf: AgentLabelsOf): WindowGroup[] {
  const groups = new Map<string, { values: string[]; bucket: RollupBucket; agents: Set<string> }>();
  for (const s of series) {
    const labels = selected(s, selector, agentLabelsOf);
    if (labels === undefined) continue;
    const values = selector.groupBy.map((name) => labels.get(name) ?? '');
    const key = JSON.stringify(values);
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = { values, bucket: new RollupBucket(windowStart), agents: new Set() }));
    group.bucket.merge(s.bucket);
    group.agents.add(s.agentId);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, g]) => ({
      labels: selector.groupBy.flatMap((name, i) => (g.values[i] === '' ? [] : [{ name, value: g.values[i] }])),
      bucket: g.bucket,
      agents: g.agents.size,
    }));
}

export interface RankedPartial {
  agentId: string;
  labels: readonly Label[];
  value: number;
}

/**
 * The selected series of a window ranked by one aggregate of their samples in it (percentiles from
 * the sketch), highest first unless `ascending`; ties by agent id, then labels. At most `limit`.
 */
export function rankWindow(
  series: Iterable<SeriesPartial>,
  selector: LiveSelector,
  agentLabelsOf: AgentLabelsOf,
  options: { by: SeriesAggregate; limit: number; ascending: boolean },
): RankedPartial[] {
  const ranked: (RankedPartial & { key: string })[] = [];
  for (const s of series) {
    if (s.bucket.count === 0 || selected(s, selector, agentLabelsOf) === undefined) continue;
    ranked.push({ agentId: s.agentId, labels: s.labels, value: aggregateOf(s.bucket, options.by), key: JSON.stringify(s.labels) });
  }
  const direction = options.ascending ? 1 : -1;
  ranked.sort(
    (a, b) =>
      (a.value === b.value ? 0 : a.value < b.value ? -direction : direction) ||
      (a.agentId === b.agentId ? 0 : a.agentId < b.agentId ? -1 : 1) ||
      (a.key === b.key ? 0 : a.key < b.key ? -1 : 1),
  );
  return ranked.slice(0, options.limit).map(({ agentId, labels, value }) => ({ agentId, labels, value }));
}

/** One aggregate of a non-empty bucket. */
export function aggregateOf(bucket: RollupBucket, by: SeriesAggregate): number {
  switch (by) {
    case 'AVG':
      return bucket.sum / bucket.count;
    case 'SUM':
      return bucket.sum;
    case 'MIN':
      return bucket.min;
    case 'MAX':
      return bucket.max;
    case 'COUNT':
      return bucket.count;
    default:
      return quantileOfBucket(bucket, AGGREGATE_QUANTILES[by]!);
  }
}

/**
 * Quantile q of a non-empty bucket as trends answers it from rollups: the bins of its sketch, as the
 * codec decodes them for queries, through the engine's quantile definition (interpolated ranks).
 */
export function quantileOfBucket(bucket: RollupBucket, q: number, buffer = new QuantileBuffer()): number {
  const c = decodeBucketColumns(encodeBuckets([bucket]));
  buffer.clear();
  buffer.addRange(c.binValues, c.binCounts, c.binOffsets[0], c.binOffsets[1]);
  return buffer.quantile(q, bucket.min, bucket.max);
}

/** The series' effective labels when the selector takes it. */
function selected(s: SeriesPartial, selector: LiveSelector, agentLabelsOf: AgentLabelsOf): Map<string, string> | undefined {
  if (selector.agentIds !== undefined && !selector.agentIds.has(s.agentId)) return undefined;
  if (selector.match === undefined && selector.groupBy.length === 0) return EMPTY;
  const labels = effectiveLabels(s.agentId, agentLabelsOf(s.agentId), s.labels);
  return selector.match === undefined || selector.match((name) => labels.get(name)) ? labels : undefined;
}

const EMPTY: Map<string, string> = new Map();
