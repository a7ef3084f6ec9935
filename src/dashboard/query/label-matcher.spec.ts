import { InvalidMatcher, LabelMatcher, compileMatchers, effectiveLabels } from './label-matcher';

const lookup = (labels: Record<string, string>) => (name: string) => labels[name];

describe('compileMatchers', () => {
  const matches = (matchers: LabelMatcher[], labels: Record<string, string>) => compileMatchers(matchers)(lookup(labels));

  it('matches everything with no matchers', () => {
    expect(matches([], {})).toBe(true);
  });

  it('EQ and NEQ, with EQ as the default op', () => {
    expect(matches([{ name: 'region', value: 'eu' }], { region: 'eu' })).toBe(true);
    expect(matches([{ name: 'region', op: 'EQ', value: 'eu' }], { region: 'us' })).toBe(false);
    expect(matches([{ name: 'region', op: 'NEQ', value: 'eu' }], { region: 'us' })).toBe(true);
    expect(matches([{ name: 'region', op: 'NEQ', value: 'eu' }], {})).toBe(true);
  });

  it('reads a missing label as "" (x="" matches series without x)', () => {
    expect(matches([{ name: 'x', value: '' }], {})).toBe(true);
    expect(matches([{ name: 'x', value: '' }], { x: '1' })).toBe(false);
    expect(matches([{ name: 'x', op: 'NEQ', value: '' }], {})).toBe(false);
    expect(matches([{ name: 'x', op: 'REGEX', value: '.*' }], {})).toBe(true);
    expect(matches([{ name: 'x', op: 'REGEX', value: '.+' }], {})).toBe(false);
  });

  it('anchors regexes', () => {
    const m: LabelMatcher[] = [{ name: 'host', op: 'REGEX', value: 'web-[0-9]+|db' }];
    expect(matches(m, { host: 'web-12' })).toBe(true);
    expect(matches(m, { host: 'db' })).toBe(true);
    expect(matches(m, { host: 'xweb-12' })).toBe(false);
    expect(matches(m, { host: 'dbx' })).toBe(false);
    expect(matches([{ name: 'host', op: 'NOT_REGEX', value: 'web-.*' }], { host: 'web-1' })).toBe(false);
    expect(matches([{ name: 'host', op: 'NOT_REGEX', value: 'web-.*' }], { host: 'db-1' })).toBe(true);
  });

  it('takes a leading (?i) as case-insensitive', () => {
    expect(matches([{ name: 'env', op: 'REGEX', value: '(?i)prod' }], { env: 'PROD' })).toBe(true);
    expect(matches([{ name: 'env', op: 'REGEX', value: 'prod' }], { env: 'PROD' })).toBe(false);
  });

  it('requires all matchers', () => {
    const m: LabelMatcher[] = [
      { name: 'region', value: 'eu' },
      { name: 'host', op: 'REGEX', value: 'web.*' },
    ];
    expect(matches(m, { region: 'eu', host: 'web1' })).toBe(true);
    expect(matches(m, { region: 'eu', host: 'db1' })).toBe(false);
  });

  const error = (matchers: LabelMatcher[]): InvalidMatcher => {
    try {
      compileMatchers(matchers);
    } catch (e) {
      if (e instanceof InvalidMatcher) return e;
      throw e;
    }
    throw new Error('compiled');
  };

  it('refuses invalid regexes with the index and the matcher', () => {
    const e = error([
      { name: 'a', value: 'x' },
      { name: 'b', value: 'y' },
      { name: 'c', op: 'REGEX', value: 'a(' },
    ]);
    expect(e.index).toBe(2);
    expect(e.message).toBe('matchers[2].value: invalid regex "a(": Unterminated group');
    expect(e).toBeInstanceOf(Error);
  });

  it.each([
    ['(a)\\1', 'backreference'],
    ['(?<n>a)\\k<n>', 'named backreference'],
    ['a(?=b)', 'lookahead'],
    ['a(?!b)', 'negative lookahead'],
    ['(?<=a)b', 'lookbehind'],
    ['(?<!a)b', 'negative lookbehind'],
  ])('refuses %s (RE2 lacks %s)', (value, what) => {
    const e = error([{ name: 'x', op: 'NOT_REGEX', value }]);
    expect(e.index).toBe(0);
    expect(e.message).toContain(`matchers[0].value: invalid regex ${JSON.stringify(value)}: ${what}`);
  });

  it('accepts escaped look-alikes and classes', () => {
    expect(matches([{ name: 'x', op: 'REGEX', value: '\\(\\?=a\\)' }], { x: '(?=a)' })).toBe(true);
    expect(matches([{ name: 'x', op: 'REGEX', value: '[(?=]+' }], { x: '(?=' })).toBe(true);
    expect(matches([{ name: 'x', op: 'REGEX', value: '(?<name>a)b' }], { x: 'ab' })).toBe(true);
  });

  it.each(['', '1abc', 'a b', 'a'.repeat(65), 'é'])('refuses the label name %j', (name) => {
    const e = error([{ name, value: 'x' }]);
    expect(e.message).toMatch(/^matchers\[0\]\.name: invalid label name /);
  });

  it('accepts label names with dots and dashes, up to 64 characters', () => {
    expect(() =>
      compileMatchers([
        { name: 'k8s.pod-name_1', value: '' },
        { name: 'a'.repeat(64), value: '' },
      ]),
    ).not.toThrow();
  });

  it('refuses unknown ops', () => {
    expect(error([{ name: 'x', op: 'LIKE' as 'EQ', value: '' }]).message).toMatch(/^matchers\[0\]\.op: unknown operator "LIKE"/);
  });
});

describe('effectiveLabels', () => {
  it('series labels override heartbeat labels, and agent is the agent id', () => {
    const labels = effectiveLabels(
      'a1',
      [
        { name: 'region', value: 'eu' },
        { name: 'zone', value: 'z1' },
        { name: 'agent', value: 'spoof' },
      ],
      [
        { name: 'zone', value: 'z2' },
        { name: 'agent', value: 'spoof2' },
      ],
    );
    expect(Object.fromEntries(labels)).toEqual({ region: 'eu', zone: 'z2', agent: 'a1' });
  });
});
