import { QuantileBuffer, quantileOfSorted } from '../../dashboard/query/quantile';
import { applySeriesFunction } from '../../dashboard/query/series-functions';
import type { StepColumns } from '../../dashboard/query/step-columns';
import type { RuleDefinition } from './rule-definition';
import { groupOf, seriesSubject } from './subjects';

/** A selected series with its step columns over the evaluated range (steps of the rule's evaluation interval). */
export interface EvaluatedSeries {
  agentId: string;
  /** The series' own labels (its identity). */
  seriesLabels: readonly { name: string; value: string }[];
  /** Effective labels: agent id, the agent's labels, the series' labels. */
  labels: ReadonlyMap<string, string>;
  columns: StepColumns;
}

/** What a rule saw for one subject in one evaluation; NaN value: no data. */
export interface SubjectValue {
  subject: string;
  labels: Record<string, string>;
  value: number;
  /** Why, for people (e.g. an agent's status reason). */
  detail?: string;
}

const QUANTILE: Record<string, number> = { P50: 0.5, P95: 0.95, P99: 0.99 };

/**
 * The value of each subject over the window of steps [from, to) (the last `windowSeconds`
 * before the evaluation time): THRESHOLD and ANOMALY aggregate the samples (or the function's
 * step values), TREND fits a least-squares slope per minute through the step values, ABSENCE
 * counts the seconds without a sample (0 when the window has one). Subjects are series,
 * label groups or the whole selection (`groupBy`).
 */
export function windowValues(rule: RuleDefinition, series: readonly EvaluatedSeries[], from: number, to: number, stepMs: number): SubjectValue[] {
  const groups = new Map<string, { labels: Record<string, string>; members: EvaluatedSeries[] }>();
  for (const s of series) {
    const { subject, labels } =
      rule.groupBy === undefined
        ? { subject: seriesSubject(s.agentId, s.seriesLabels), labels: Object.fromEntries(s.labels) }
        : groupOf(rule.groupBy, (name) => s.labels.get(name));
    let group = groups.get(subject);
    if (group === undefined) groups.set(subject, (group = { labels, members: [] }));
    group.members.push(s);
  }
  const out: SubjectValue[] = [];
  for (const [subject, { labels, members }] of groups) {
    const value = subjectValue(rule, members, from, to, stepMs);
    if (rule.kind !== 'ABSENCE' && Number.isNaN(value)) continue;
    out.push({ subject, labels, value });
  }
  return out;
}

function subjectValue(rule: RuleDefinition, members: readonly EvaluatedSeries[], from: number, to: number, stepMs: number): number {
  if (rule.kind === 'ABSENCE') return absentSeconds(members, from, to, stepMs);
  if (rule.kind === 'TREND') return slopePerMinute(stepValues(rule, members, from, to, stepMs), from, stepMs);
  return rule.function === undefined
    ? aggregateSamples(rule.aggregate, members, from, to)
    : aggregateValues(rule.aggregate, stepValues(rule, members, from, to, stepMs).flat());
}

/** Seconds from the end of the last step with a sample (or from the window's start) to the window's end. */
function absentSeconds(members: readonly EvaluatedSeries[], from: number, to: number, stepMs: number): number {
  let last = from - 1;
  for (const { columns } of members) for (let i = to - 1; i > last; i--) if (columns.count[i] > 0) last = i;
  return ((to - 1 - last) * stepMs) / 1000;
}

/** Per step of the window, the values the subject had: each member's step average, or its function value. */
function stepValues(rule: RuleDefinition, members: readonly EvaluatedSeries[], from: number, to: number, stepMs: number): number[][] {
  const steps: number[][] = Array.from({ length: to - from }, () => []);
  for (const { columns } of members) {
    const fn = rule.function === undefined ? undefined : applySeriesFunction(rule.function, columns, stepMs);
    for (let i = from; i < to; i++) {
      const v = fn === undefined ? columns.sum[i] / columns.count[i] : fn[i];
      if (!Number.isNaN(v)) steps[i - from].push(v);
    }
  }
  return steps;
}

/** Least squares through (step, mean of its values), as change per minute; NaN with fewer than two steps. */
function slopePerMinute(steps: number[][], from: number, stepMs: number): number {
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  steps.forEach((values, i) => {
    if (values.length === 0) return;
    const x = ((from + i) * stepMs) / 60_000;
    const y = values.reduce((a, b) => a + b, 0) / values.length;
    n++;
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  });
  const d = n * sxx - sx * sx;
  return n < 2 || d === 0 ? NaN : (n * sxy - sx * sy) / d;
}

function aggregateSamples(aggregate: string, members: readonly EvaluatedSeries[], from: number, to: number): number {
  let count = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  const q = QUANTILE[aggregate];
  const buffer = q === undefined ? undefined : new QuantileBuffer();
  for (const { columns: c } of members) {
    for (let i = from; i < to; i++) {
      if (c.count[i] === 0) continue;
      count += c.count[i];
      sum += c.sum[i];
      if (c.min[i] < min) min = c.min[i];
      if (c.max[i] > max) max = c.max[i];
    }
    buffer?.addRange(c.values, c.exact ? undefined : c.weights, c.offsets[from], c.offsets[to]);
  }
  if (count === 0) return NaN;
  return pick(aggregate, { count, sum, min, max, quantile: () => buffer!.quantile(q, min, max) });
}

function aggregateValues(aggregate: string, values: number[]): number {
  if (values.length === 0) return NaN;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return pick(aggregate, {
    count: values.length,
    sum,
    min,
    max,
    quantile: () =>
      quantileOfSorted(
        values.sort((a, b) => a - b),
        QUANTILE[aggregate],
      ),
  });
}

function pick(aggregate: string, a: { count: number; sum: number; min: number; max: number; quantile: () => number }): number {
  switch (aggregate) {
    case 'SUM':
      return a.sum;
    case 'MIN':
      return a.min;
    case 'MAX':
      return a.max;
    case 'COUNT':
      return a.count;
    case 'AVG':
      return a.sum / a.count;
    default:
      return a.quantile();
  }
}
