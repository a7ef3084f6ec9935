import { columnsFromSamples } from '../../dashboard/query/step-columns';
import { stepGrid } from '../../dashboard/query/step-grid';
import { DEFAULT_POLICY } from './rule-validation';
import type { RuleDefinition } from './rule-definition';
import { EvaluatedSeries, windowValues } from './window-values';

const STEP = 10_000;
const grid = stepGrid(0, 6 * STEP, STEP);

const rule = (fields: Partial<RuleDefinition>): RuleDefinition => ({
  name: 'r',
  kind: 'THRESHOLD',
  severity: 'WARNING',
  metric: 'm',
  matchers: [],
  aggregate: 'AVG',
  windowSeconds: 30,
  evaluateEverySeconds: 10,
  operator: 'GT',
  threshold: 0,
  forSeconds: 0,
  keepFiringForSeconds: 0,
  absentForSeconds: 0,
  statuses: [],
  summary: '',
  labels: {},
  channelIds: [],
  notification: DEFAULT_POLICY,
  enabled: true,
  ...fields,
});

/** One sample per second of the given values, from t=0. */
function series(agentId: string, region: string, values: number[], seriesLabels: { name: string; value: string }[] = []): EvaluatedSeries {
  const times = values.map((_, i) => i * 1000);
  return {
    agentId,
    seriesLabels,
    labels: new Map([['agent', agentId], ['region', region], ...seriesLabels.map((l) => [l.name, l.value] as [string, string])]),
    columns: columnsFromSamples(grid, times, values),
  };
}

const ramp = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

describe('window values', () => {
  const a = series(
    'a',
    'eu',
    ramp(60, (i) => i),
  );
  const b = series(
    'b',
    'eu',
    ramp(60, () => 100),
    [{ name: 'path', value: '/x' }],
  );
  const c = series(
    'c',
    'us',
    ramp(30, () => 7),
  );

  it('aggregate the samples of the window [from, to) per series, named like Prometheus series', () => {
    // Steps 3..5 hold seconds 30..59.
    const out = windowValues(rule({ aggregate: 'AVG' }), [a, b, c], 3, 6, STEP);
    expect(out).toEqual([
      { subject: 'a', labels: { agent: 'a', region: 'eu' }, value: 44.5 },
      { subject: 'b{path="/x"}', labels: { agent: 'b', region: 'eu', path: '/x' }, value: 100 },
    ]);
    expect(windowValues(rule({ aggregate: 'MAX' }), [a], 0, 3, STEP)[0].value).toBe(29);
    expect(windowValues(rule({ aggregate: 'COUNT' }), [a], 0, 3, STEP)[0].value).toBe(30);
    expect(windowValues(rule({ aggregate: 'P50' }), [a], 0, 6, STEP)[0].value).toBeCloseTo(29.5, 5);
  });

  it('pool the samples of a label group, or of the whole selection', () => {
    const byRegion = windowValues(rule({ aggregate: 'AVG', groupBy: ['region'] }), [a, b, c], 0, 3, STEP);
    expect(byRegion).toEqual([
      { subject: 'region=eu', labels: { region: 'eu' }, value: (14.5 * 30 + 100 * 30) / 60 },
      { subject: 'region=us', labels: { region: 'us' }, value: 7 },
    ]);
    expect(windowValues(rule({ aggregate: 'SUM', groupBy: [] }), [a, c], 0, 1, STEP)).toEqual([{ subject: '*', labels: {}, value: 45 + 70 }]);
  });

  it('fit a slope per minute for TREND, and count silent seconds for ABSENCE', () => {
    // a rises 1 per second: 60 per minute.
    expect(windowValues(rule({ kind: 'TREND' }), [a], 0, 6, STEP)[0].value).toBeCloseTo(60, 6);
    const absence = rule({ kind: 'ABSENCE' });
    expect(windowValues(absence, [c], 3, 6, STEP)).toEqual([{ subject: 'c', labels: { agent: 'c', region: 'us' }, value: 30 }]);
    expect(windowValues(absence, [c], 1, 4, STEP)[0].value).toBe(10);
    expect(windowValues(absence, [a], 3, 6, STEP)[0].value).toBe(0);
  });

  it('aggregate a function per step over the window (a counter rate)', () => {
    const counter = series(
      'k',
      'eu',
      ramp(60, (i) => i * 2),
    );
    expect(windowValues(rule({ function: 'RATE', aggregate: 'AVG' }), [counter], 1, 6, STEP)[0].value).toBeCloseTo(2, 6);
  });

  it('leave out subjects without data in the window (they resolve), except for ABSENCE', () => {
    expect(windowValues(rule({}), [c], 3, 6, STEP)).toEqual([]);
  });
});
