import { alertSelector, Inhibitor, silenceState, validateInhibition, validateSilence } from './silence-rules';

const NOW = Date.UTC(2026, 0, 1, 12);
const H = 3_600_000;
const pathOf = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return (error as { extensions: { argumentPath: string } }).extensions.argumentPath;
  }
  return undefined;
};

describe('silences', () => {
  it('is PENDING, ACTIVE, then EXPIRED by the clock alone', () => {
    const s = { startsAt: new Date(NOW + H), endsAt: new Date(NOW + 2 * H) };
    expect([NOW, NOW + H, NOW + 2 * H].map((t) => silenceState(s, t))).toEqual(['PENDING', 'ACTIVE', 'EXPIRED']);
  });

  it('matches alert labels with Prometheus matcher semantics, and the rule when given', () => {
    const select = alertSelector({ matchers: [{ name: 'agent', op: 'REGEX', value: 'web-.*' }], ruleId: 'r1' });
    expect(select({ ruleId: 'r1', labels: { agent: 'web-1' } })).toBe(true);
    expect(select({ ruleId: 'r2', labels: { agent: 'web-1' } })).toBe(false);
    expect(select({ ruleId: 'r1', labels: { agent: 'db-1' } })).toBe(false);
  });

  it('validates: a matcher or a rule, end after start and in the future, compiling regexes, a comment', () => {
    const base = { matchers: [{ name: 'agent', value: 'a' }], endsAt: new Date(NOW + H), comment: 'maintenance' };
    expect(validateSilence(base, NOW)).toMatchObject({ startsAt: new Date(NOW), matchers: [{ name: 'agent', op: 'EQ', value: 'a' }] });
    expect(pathOf(() => validateSilence({ ...base, matchers: [] }, NOW))).toBe('silence.matchers');
    expect(pathOf(() => validateSilence({ ...base, startsAt: new Date(NOW + 2 * H) }, NOW))).toBe('silence.endsAt');
    expect(pathOf(() => validateSilence({ ...base, startsAt: new Date(NOW - 2 * H), endsAt: new Date(NOW - H) }, NOW))).toBe('silence.endsAt');
    expect(pathOf(() => validateSilence({ ...base, matchers: [{ name: 'agent', op: 'REGEX', value: '(' }] }, NOW))).toBe('silence.matchers[0].value');
    expect(pathOf(() => validateSilence({ ...base, matchers: [{ name: 'bad name', value: 'x' }] }, NOW))).toBe('silence.matchers[0].name');
    expect(pathOf(() => validateSilence({ ...base, comment: ' ' }, NOW))).toBe('silence.comment');
  });
});

describe('inhibition', () => {
  const rule = validateInhibition({
    sourceMatchers: [{ name: 'severity', value: 'CRITICAL' }],
    targetMatchers: [{ name: 'severity', value: 'WARNING' }],
    equal: ['agent'],
  });
  const critical = { id: 'c', ruleId: 'r', labels: { severity: 'CRITICAL', agent: 'a1' } };

  it('mutes targets whose equal labels match a firing source', () => {
    const inhibitor = new Inhibitor([rule], [critical]);
    expect(inhibitor.inhibits({ id: 'w', ruleId: 'r', labels: { severity: 'WARNING', agent: 'a1' } })).toBe(true);
    expect(inhibitor.inhibits({ id: 'w2', ruleId: 'r', labels: { severity: 'WARNING', agent: 'a2' } })).toBe(false);
    expect(inhibitor.inhibits({ id: 'i', ruleId: 'r', labels: { severity: 'INFO', agent: 'a1' } })).toBe(false);
    expect(new Inhibitor([rule], []).inhibits({ id: 'w', ruleId: 'r', labels: { severity: 'WARNING', agent: 'a1' } })).toBe(false);
  });

  it('never lets an alert inhibit itself, and validates both sides', () => {
    const broad = validateInhibition({ sourceMatchers: [{ name: 'agent', value: 'a1' }], targetMatchers: [{ name: 'agent', value: 'a1' }] });
    expect(new Inhibitor([broad], [critical]).inhibits(critical)).toBe(false);
    expect(pathOf(() => validateInhibition({ sourceMatchers: [], targetMatchers: [{ name: 'a', value: 'b' }] }))).toBe('rule.sourceMatchers');
    expect(
      pathOf(() => validateInhibition({ sourceMatchers: [{ name: 'a', value: 'b' }], targetMatchers: [{ name: 'a', value: 'b' }], equal: ['no way'] })),
    ).toBe('rule.equal[0]');
  });
});
