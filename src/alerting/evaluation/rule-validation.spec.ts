import type { AlertRuleInput } from '../dto/alert-rule.input';
import { InvalidAlertRule } from '../alerting.errors';
import { normalizeRule } from './rule-validation';

const defaults = { evaluateEverySeconds: 10 };
const normalize = (input: Partial<AlertRuleInput>) => normalizeRule({ name: 'r', ...input } as AlertRuleInput, defaults);
const refusal = (input: Partial<AlertRuleInput>): string => {
  try {
    normalize(input);
  } catch (error) {
    if (error instanceof InvalidAlertRule) return error.extensions.argumentPath as string;
    throw error;
  }
  throw new Error('accepted');
};

describe('rule validation', () => {
  it('fills in the defaults: evaluation interval, window, severity, summary, notification policy', () => {
    const rule = normalize({ kind: 'THRESHOLD' as never, metric: 'cpu', operator: 'GT' as never, threshold: 90 });
    expect(rule).toMatchObject({ severity: 'WARNING', evaluateEverySeconds: 10, windowSeconds: 60, forSeconds: 0, aggregate: 'AVG', enabled: true });
    expect(rule.notification).toEqual({
      groupBy: ['alertname'],
      groupWaitSeconds: 30,
      groupIntervalSeconds: 300,
      repeatIntervalSeconds: 14_400,
      escalations: [],
    });
    expect(rule.summary).toContain('{{value}}');
  });

  it('gives ABSENCE and AGENT_STATUS rules their comparison, and ANOMALY rules the detector defaults', () => {
    expect(normalize({ kind: 'ABSENCE' as never, absentForSeconds: 45 })).toMatchObject({ operator: 'GTE', threshold: 45, windowSeconds: 50 });
    expect(normalize({ kind: 'AGENT_STATUS' as never, statuses: ['DOWN' as never] })).toMatchObject({ operator: 'GTE', threshold: 1 });
    expect(normalize({ kind: 'ANOMALY' as never, metric: 'rtt' }).anomaly).toMatchObject({ method: 'ROBUST_Z', direction: 'BOTH', stepSeconds: 10 });
  });

  it.each([
    [{ kind: 'THRESHOLD', metric: 'cpu', threshold: 1 }, 'rule.operator'],
    [{ kind: 'THRESHOLD', metric: 'cpu', operator: 'GT' }, 'rule.threshold'],
    [{ kind: 'THRESHOLD', operator: 'GT', threshold: 1 }, 'rule.metric'],
    [{ kind: 'THRESHOLD', metric: 'cpu', operator: 'GT', threshold: 1, windowSeconds: 25 }, 'rule.windowSeconds'],
    [{ kind: 'THRESHOLD', metric: 'cpu', operator: 'GT', threshold: 1, evaluateEverySeconds: 15 }, 'rule.evaluateEverySeconds'],
    [{ kind: 'THRESHOLD', metric: 'cpu', operator: 'GT', threshold: 10, clearThreshold: 11 }, 'rule.clearThreshold'],
    [{ kind: 'THRESHOLD', metric: 'cpu', operator: 'LT', threshold: 10, clearThreshold: 9 }, 'rule.clearThreshold'],
    [{ kind: 'THRESHOLD', metric: 'cpu', operator: 'GT', threshold: 1, forSeconds: -1 }, 'rule.forSeconds'],
    [{ kind: 'THRESHOLD', metric: 'cpu', operator: 'GT', threshold: 1, groupBy: ['bad name'] }, 'rule.groupBy[0]'],
    [{ kind: 'THRESHOLD', metric: 'cpu', operator: 'GT', threshold: 1, matchers: [{ name: 'a', op: 'REGEX', value: '[' }] }, 'rule.matchers[0]'],
    [{ kind: 'THRESHOLD', metric: 'cpu', operator: 'GT', threshold: 1, labels: [{ name: '1x', value: 'v' }] }, 'rule.labels[0].name'],
    [{ kind: 'ANOMALY', metric: 'rtt', anomaly: { sensitivity: 0 } }, 'rule.anomaly.sensitivity'],
    [{ kind: 'ANOMALY', metric: 'rtt', anomaly: { trainingSeconds: 50 } }, 'rule.anomaly.trainingSeconds'],
    [{ kind: 'ANOMALY', metric: 'rtt', anomaly: { method: 'SEASONAL', seasonSeconds: 3600, trainingSeconds: 1800 } }, 'rule.anomaly.trainingSeconds'],
    [{ kind: 'ABSENCE' }, 'rule.absentForSeconds'],
    [{ kind: 'AGENT_STATUS', statuses: [] }, 'rule.statuses'],
    [{ kind: 'AGENT_STATUS', statuses: ['DOWN'], metric: 'cpu' }, 'rule.metric'],
    [{ kind: 'ABSENCE', absentForSeconds: 60, function: 'RATE' }, 'rule.function'],
    [
      { kind: 'THRESHOLD', metric: 'cpu', operator: 'GT', threshold: 1, notification: { escalations: [{ afterSeconds: 60, channelIds: [] }] } },
      'rule.notification.escalations[0].channelIds',
    ],
  ])('refuses %j at %s', (input, path) => {
    expect(refusal(input as never)).toBe(path);
  });

  it('refuses an empty name', () => {
    expect(refusal({ name: '  ', kind: 'AGENT_STATUS' as never, statuses: ['DOWN' as never] })).toBe('rule.name');
  });
});
