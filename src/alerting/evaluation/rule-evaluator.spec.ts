import type { AnomalyDetector } from '../detectors/anomaly-detector';
import { builtinRules, PARTITION_RULE } from './builtin-rules';
import { agentValues, AgentView } from './agent-values';
import { RuleEvaluator } from './rule-evaluator';
import { normalizeRule } from './rule-validation';
import { renderSummary } from './summary-template';
import { IntervalRecorder } from './interval-recorder';

const threshold = normalizeRule({ name: 'High', kind: 'THRESHOLD', metric: 'm', operator: 'GT', threshold: 10, forSeconds: 10 } as never, {
  evaluateEverySeconds: 10,
});
const value = (subject: string, v: number) => ({ subject, labels: { agent: subject }, value: v });

/** A detector that calls every value above 100 anomalous after two points of training. */
class FakeDetector implements AnomalyDetector {
  private seen = 0;
  update(_at: number, v: number) {
    const training = this.seen++ < 2;
    return { score: training ? NaN : v / 10, anomalous: !training && v > 100, expected: 0, explanation: `score ${v / 10}` };
  }
}

describe('rule evaluator', () => {
  it('keeps one lifecycle per subject; subjects that vanish from a full evaluation resolve, a partial evaluation leaves them', () => {
    const e = new RuleEvaluator(threshold, () => new FakeDetector());
    expect(e.evaluate(0, [value('a', 20), value('b', 20)]).map((t) => [t.subject, t.to])).toEqual([
      ['a', 'PENDING'],
      ['b', 'PENDING'],
    ]);
    expect(e.evaluate(10_000, [value('a', 20)], false).map((t) => [t.subject, t.to])).toEqual([['a', 'FIRING']]);
    expect(e.evaluate(20_000, [value('a', 20)]).map((t) => [t.subject, t.to, t.explanation])).toEqual([['b', 'RESOLVED', 'no data']]);
    expect([...e.open.keys()]).toEqual(['a']);
  });

  it('feeds anomaly rules through one detector per subject and holds while it trains', () => {
    const rule = normalizeRule({ name: 'Odd', kind: 'ANOMALY', metric: 'm' } as never, { evaluateEverySeconds: 10 });
    const e = new RuleEvaluator(rule, () => new FakeDetector());
    expect(e.evaluate(0, [value('a', 500)])).toEqual([]);
    expect(e.evaluate(10_000, [value('a', 500)])).toEqual([]);
    expect(e.evaluate(20_000, [value('a', 500)])).toEqual([
      { subject: 'a', labels: { agent: 'a' }, to: 'FIRING', at: 20_000, value: 500, explanation: 'score 50' },
    ]);
    expect(e.evaluate(30_000, [value('a', 5)]).map((t) => t.to)).toEqual(['RESOLVED']);
  });

  it('records PENDING and FIRING intervals for previews', () => {
    const e = new RuleEvaluator(threshold, () => new FakeDetector());
    const recorder = new IntervalRecorder();
    [20, 20, 20, 5, 20].forEach((v, i) => recorder.record(e.evaluate(i * 10_000, [value('a', v)])));
    expect(recorder.intervals(0)).toEqual([
      { subject: 'a', state: 'PENDING', start: 0, end: 10_000, value: 20 },
      { subject: 'a', state: 'FIRING', start: 10_000, end: 30_000, value: 20 },
      { subject: 'a', state: 'PENDING', start: 40_000, value: 20 },
    ]);
    expect(recorder.intervals(30_000)).toEqual([{ subject: 'a', state: 'PENDING', start: 40_000, value: 20 }]);
  });
});

describe('agent values', () => {
  const agent = (agentId: string, status: string, region: string, extra: Partial<AgentView> = {}): AgentView => ({
    agentId,
    status,
    statusReason: `${agentId} is ${status}`,
    labels: [{ name: 'region', value: region }],
    lastHeartbeatAt: 0,
    ...extra,
  });
  const fleet = [
    agent('a', 'DOWN', 'eu'),
    agent('b', 'HEALTHY', 'eu', { lastHeartbeatAt: 50_000 }),
    agent('c', 'PARTITIONED', 'us', { partitionGroup: 'region=us' }),
  ];
  const rule = (fields: object) => normalizeRule({ name: 'r', kind: 'AGENT_STATUS', statuses: ['DOWN'], ...fields } as never, { evaluateEverySeconds: 10 });

  it('counts agents in the statuses per agent, per label group, or per partition', () => {
    expect(agentValues(rule({}), fleet, 0).map((v) => [v.subject, v.value])).toEqual([
      ['a', 1],
      ['b', 0],
      ['c', 0],
    ]);
    expect(agentValues(rule({ groupBy: ['region'], statuses: ['DOWN', 'PARTITIONED'] }), fleet, 0).map((v) => [v.subject, v.value])).toEqual([
      ['region=eu', 1],
      ['region=us', 1],
    ]);
    expect(agentValues(builtinRules(10)[PARTITION_RULE], fleet, 0).map((v) => [v.subject, v.labels, v.value])).toEqual([['region=us', { region: 'us' }, 1]]);
    expect(agentValues(rule({ matchers: [{ name: 'region', value: 'us' }] }), fleet, 0).map((v) => v.subject)).toEqual(['c']);
  });

  it('measures heartbeat silence for ABSENCE, a group being silent only while all its members are', () => {
    const absence = normalizeRule({ name: 'q', kind: 'ABSENCE', absentForSeconds: 30 } as never, { evaluateEverySeconds: 10 });
    expect(agentValues(absence, fleet, 60_000).map((v) => [v.subject, v.value])).toEqual([
      ['a', 60],
      ['b', 10],
      ['c', 60],
    ]);
    expect(agentValues({ ...absence, groupBy: ['region'] }, fleet, 60_000).map((v) => [v.subject, v.value])).toEqual([
      ['region=eu', 10],
      ['region=us', 60],
    ]);
  });
});

describe('summary template', () => {
  it('fills labels, value, threshold and subject; leaves unknown placeholders as written', () => {
    expect(
      renderSummary('{{agent}} at {{value}} over {{threshold}} ({{subject}}, {{labels.region}}) {{nope}}', {
        labels: { agent: 'a', region: 'eu' },
        value: 12.34567,
        threshold: 10,
        subject: 's',
      }),
    ).toBe('a at 12.35 over 10 (s, eu) {{nope}}');
    expect(renderSummary('{{value}}', { labels: {}, value: undefined, threshold: undefined, subject: '' })).toBe('n/a');
  });
});
