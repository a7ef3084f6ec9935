import { QueryFastPathMiddleware } from '../src/dashboard/fast-path/query-fast-path.middleware';
import { INGEST, TestApp } from './support/test-app';

const MIN = 60_000;
const HOUR = 60 * MIN;

interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/**
 * The read fast path answers exactly as Apollo does: every query is sent twice, once plainly
 * and once with `extensions: {}`, which the fast path (like the ingest one) always leaves to
 * Apollo; the two answers must be the same bytes with the same headers. A spy on the fast
 * path's `send` tells which of the two answered.
 */
describe('trends / topSeries fast path (HTTP, real database)', () => {
  let t: TestApp;
  let viewer: string;
  let hour0: number;
  let sent: jest.SpyInstance;

  beforeAll(async () => {
    t = await TestApp.start();
    const agent = t.token({ roles: ['agent'], environments: ['lab'] });
    viewer = t.token({ roles: ['viewer'], environments: ['lab'] });
    hour0 = Math.floor(t.clock.now() / HOUR) * HOUR - 2 * HOUR;
    const minutes = (values: number[]) => ({ timestamps: values.map((_, i) => hour0 + i * MIN), values });
    const res = await t.graphql<{ ingestBatch: { errors: unknown[] } }>(
      INGEST,
      {
        batch: {
          environment: 'lab',
          heartbeats: [
            { agentId: 'eu-1', labels: [{ name: 'region', value: 'eu' }] },
            { agentId: 'eu-2', labels: [{ name: 'region', value: 'eu' }] },
            { agentId: 'us-1', labels: [{ name: 'region', value: 'us' }] },
          ],
          series: [
            { agentId: 'eu-1', metric: 'latency', labels: [{ name: 'route', value: '/a' }], ...minutes([10, 20.25, 30, 1e-7, 5]) },
            { agentId: 'eu-1', metric: 'latency', labels: [{ name: 'route', value: '/b "quoted" \u00e9' }], ...minutes([1, 2, 3]) },
            { agentId: 'eu-2', metric: 'latency', labels: [{ name: 'route', value: '/a' }], ...minutes([11.5, 12.5, 13.5, 1e21]) },
            { agentId: 'us-1', metric: 'latency', ...minutes([100, 200, -300]) },
            { agentId: 'us-1', metric: 'requests', ...minutes([10, 30, 5, 25, 40]) },
          ],
        },
      },
      agent,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.ingestBatch.errors).toEqual([]);
    sent = jest.spyOn(QueryFastPathMiddleware.prototype, 'send');
  });
  afterAll(async () => {
    sent.mockRestore();
    await t.stop();
  });

  async function post(body: Record<string, unknown>, token?: string, headers: Record<string, string> = {}, app = t): Promise<Answer> {
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: JSON.stringify(body),
    });
    const all: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      if (name !== 'date' && name !== 'x-request-id') all[name] = value; // both differ per response
    });
    return { status: response.status, headers: all, text: await response.text() };
  }

  /** The answer through the fast path (which must answer it) and Apollo's answer to the same request. */
  async function both(query: string, variables: Record<string, unknown> = {}, token: string | null = viewer, headers: Record<string, string> = {}, app = t) {
    sent.mockClear();
    const fast = await post({ query, variables }, token ?? undefined, headers, app);
    const fastAnswered = sent.mock.calls.length;
    const apollo = await post({ query, variables, extensions: {} }, token ?? undefined, headers, app);
    expect(sent.mock.calls.length).toBe(fastAnswered);
    return { fast, apollo, fastAnswered: fastAnswered === 1 };
  }

  const range = () => ({ from: new Date(hour0).toISOString(), to: new Date(hour0 + HOUR).toISOString() });
  const literalRange = () => `from: "${range().from}", to: "${range().to}"`;

  const ALL_POINT_FIELDS = 'timestamp count avg min max sum p50 p95 p99 value';

  const answered: [string, () => [string, Record<string, unknown>]][] = [
    [
      'plain trends with variables',
      () => [
        `query Q($from: DateTime!, $to: DateTime!) { trends(environment: "lab", metric: "latency", from: $from, to: $to, stepSeconds: 60) {
           metric stepSeconds resolution warnings series { agentId metric labels { name value } points { ${ALL_POINT_FIELDS} } } } }`,
        range(),
      ],
    ],
    [
      'the same with literals only',
      () => [
        `{ trends(environment: "lab", metric: "latency", ${literalRange()}, stepSeconds: 60) {
           metric stepSeconds resolution warnings series { agentId metric labels { name value } points { ${ALL_POINT_FIELDS} } } } }`,
        {},
      ],
    ],
    [
      'aliases and __typename at every level',
      () => [
        `query($from: DateTime!, $to: DateTime!) { t: trends(environment: "lab", metric: "latency", from: $from, to: $to) {
           __typename kind: __typename m: metric s: series { __typename who: agentId l: labels { __typename n: name value }
           p: points { at: timestamp __typename count mean: avg } } } }`,
        range(),
      ],
    ],
    [
      'the default step, matchers with a default op and with REGEX, agentIds',
      () => [
        `query($r: [LabelMatcherInput!], $a: [ID!]) { trends(environment: "lab", metric: "latency", ${literalRange()}, matchers: $r, agentIds: $a) {
           stepSeconds series { agentId labels { name value } points { timestamp sum } } } }`,
        {
          r: [
            { name: 'region', value: 'eu' },
            { name: 'route', op: 'REGEX', value: '/.*' },
          ],
          a: ['eu-1', 'eu-2', 'us-1'],
        },
      ],
    ],
    [
      'an aggregate by group, with value',
      () => [
        `query($from: DateTime!, $to: DateTime!, $g: [String!]) { trends(environment: "lab", metric: "latency", from: $from, to: $to, stepSeconds: 120, aggregate: AVG, groupBy: $g) {
           series { agentId metric labels { name value } points { ${ALL_POINT_FIELDS} } } } }`,
        { ...range(), g: ['region'] },
      ],
    ],
    [
      'a function (RATE) with value',
      () => [
        `query($from: DateTime!, $to: DateTime!, $f: SeriesFunction) { trends(environment: "lab", metric: "requests", from: $from, to: $to, stepSeconds: 60, function: $f) {
           series { agentId points { timestamp value count } } } }`,
        { ...range(), f: 'RATE' },
      ],
    ],
    [
      'topSeries, with its defaults and with limit and ascending',
      () => [
        `query($from: DateTime!, $to: DateTime!) {
           top: topSeries(environment: "lab", metric: "latency", from: $from, to: $to, by: MAX) { agentId labels { name value } value __typename }
           bottom: topSeries(environment: "lab", metric: "latency", from: $from, to: $to, by: AVG, limit: 2, ascending: true) { value agentId } }`,
        range(),
      ],
    ],
    [
      'two kinds of field in one document, named operation',
      () => [
        `query Both($from: DateTime!, $to: DateTime!) {
           topSeries(environment: "lab", metric: "latency", from: $from, to: $to, by: SUM, limit: 1) { agentId value }
           trends(environment: "lab", metric: "requests", from: $from, to: $to, stepSeconds: 600) { resolution series { points { timestamp max } } } }`,
        range(),
      ],
    ],
    [
      'some point fields only',
      () => [
        `query($from: DateTime!, $to: DateTime!) { trends(environment: "lab", metric: "latency", from: $from, to: $to, stepSeconds: 60) {
           series { points { p99 timestamp } } } }`,
        range(),
      ],
    ],
    [
      'an empty answer (unknown metric)',
      () => [
        `query($from: DateTime!, $to: DateTime!) { trends(environment: "lab", metric: "nope", from: $from, to: $to) { series { agentId } warnings } }`,
        range(),
      ],
    ],
  ];

  it.each(answered)('answers %s exactly as Apollo does', async (_, build) => {
    const [query, variables] = build();
    const { fast, apollo, fastAnswered } = await both(query, variables);
    expect(fastAnswered).toBe(true);
    expect(fast).toEqual(apollo);
    expect(fast.status).toBe(200);
    expect(JSON.parse(fast.text)).toHaveProperty('data');
    expect(fast.text).not.toContain('"errors"');
  });

  it('has data to compare: points with labels, quotes and large and small numbers', async () => {
    const [query, variables] = answered[0][1]();
    const { fast } = await both(query, variables);
    expect(fast.text).toContain('"/b \\"quoted\\" \u00e9"');
    expect(fast.text).toContain('1e+21');
    expect(fast.text).toContain('1e-7');
    const data = JSON.parse(fast.text) as { data: { trends: { series: { points: unknown[] }[] } } };
    expect(data.data.trends.series).toHaveLength(4);
  });

  it.each([
    ['application/json', 'application/json; charset=utf-8'],
    ['application/graphql-response+json', 'application/graphql-response+json; charset=utf-8'],
    ['application/graphql-response+json, application/json;q=0.9', 'application/graphql-response+json; charset=utf-8'],
  ])('answers `accept: %s` with the content type Apollo picks', async (accept, contentType) => {
    const [query, variables] = answered[8][1]();
    const { fast, apollo, fastAnswered } = await both(query, variables, viewer, { accept });
    expect(fastAnswered).toBe(true);
    expect(fast).toEqual(apollo);
    expect(fast.headers['content-type']).toBe(contentType);
  });

  const refused: [string, () => [string, Record<string, unknown>, string | null]][] = [
    [
      'a bad regex matcher',
      () => [
        `query($m: [LabelMatcherInput!]) { trends(environment: "lab", metric: "latency", ${literalRange()}, matchers: $m) { series { agentId } } }`,
        { m: [{ name: 'route', op: 'REGEX', value: '(' }] },
        viewer,
      ],
    ],
    [
      'from not before to',
      () => [`{ trends(environment: "lab", metric: "latency", from: "${range().to}", to: "${range().from}") { series { agentId } } }`, {}, viewer],
    ],
    ['no token', () => [`{ trends(environment: "lab", metric: "latency", ${literalRange()}) { series { agentId } } }`, {}, null]],
    ['a bad token', () => [`{ trends(environment: "lab", metric: "latency", ${literalRange()}) { series { agentId } } }`, {}, 'not-a-jwt']],
    [
      'another environment',
      () => [
        `{ trends(environment: "prod", metric: "latency", ${literalRange()}) { series { agentId } } }`,
        {},
        t.token({ roles: ['viewer'], environments: ['lab'] }),
      ],
    ],
    [
      'another environment in the second field',
      () => [
        `{ a: trends(environment: "lab", metric: "latency", ${literalRange()}) { metric } b: topSeries(environment: "prod", metric: "latency", ${literalRange()}, by: MAX) { value } }`,
        {},
        viewer,
      ],
    ],
    [
      'a role without read',
      () => [`{ trends(environment: "lab", metric: "latency", ${literalRange()}) { metric } }`, {}, t.token({ roles: ['agent'], environments: ['lab'] })],
    ],
    [
      'a variable that does not coerce',
      () => [`query($s: Int) { trends(environment: "lab", metric: "latency", ${literalRange()}, stepSeconds: $s) { metric } }`, { s: 'x' }, viewer],
    ],
    [
      'a missing variable',
      () => [`query($from: DateTime!) { trends(environment: "lab", metric: "latency", from: $from, to: "${range().to}") { metric } }`, {}, viewer],
    ],
    ['an unknown field', () => [`{ trends(environment: "lab", metric: "latency", ${literalRange()}) { nope } }`, {}, viewer]],
    ['a bad limit', () => [`{ topSeries(environment: "lab", metric: "latency", ${literalRange()}, by: MAX, limit: 0) { value } }`, {}, viewer]],
    ['a bad groupBy', () => [`{ trends(environment: "lab", metric: "latency", ${literalRange()}, aggregate: SUM, groupBy: ["1st"]) { metric } }`, {}, viewer]],
  ];

  it.each(refused)('leaves %s to Apollo, which answers with its error', async (_, build) => {
    const [query, variables, token] = build();
    const { fast, apollo, fastAnswered } = await both(query, variables, token);
    expect(fastAnswered).toBe(false);
    expect(fast).toEqual(apollo);
    expect(fast.text).toContain('"errors"');
  });

  it('leaves other documents to Apollo: fragments, directives, other fields, a mismatched operationName', async () => {
    const select = `environment: "lab", metric: "latency", ${literalRange()}`;
    for (const query of [
      `{ trends(${select}) { ...F } } fragment F on TrendResult { metric }`,
      `{ trends(${select}) { metric @include(if: true) } }`,
      `{ trends(${select}) { metric } metrics(environment: "lab") }`,
      `{ trends(${select}) { metric metric } }`,
      `{ __typename trends(${select}) { metric } }`,
    ]) {
      const { fast, apollo, fastAnswered } = await both(query);
      expect(fastAnswered).toBe(false);
      expect(fast).toEqual(apollo);
    }
    sent.mockClear();
    const named = await post({ query: `query A { trends(${select}) { metric } }`, operationName: 'B' }, viewer);
    expect(sent).not.toHaveBeenCalled();
    expect(named.text).toContain('"errors"');
  });

  it('leaves documents over the depth or cost limit to Apollo, which refuses them', async () => {
    const limited = await TestApp.start({ GRAPHQL_MAX_DEPTH: '2', GRAPHQL_MAX_COST: '10' });
    try {
      const select = `environment: "lab", metric: "latency", ${literalRange()}`;
      const token = limited.token({ roles: ['viewer'], environments: ['lab'] });
      const within = await both(`{ trends(${select}) { metric series { agentId } } }`, {}, token, {}, limited);
      expect(within.fastAnswered).toBe(true);
      expect(within.fast).toEqual(within.apollo);
      for (const query of [
        `{ trends(${select}) { series { labels { name } } } }`,
        `{ trends(${select}) { metric stepSeconds resolution warnings a: metric b: metric c: metric d: metric e: metric f: metric series { agentId } } }`,
      ]) {
        const { fast, apollo, fastAnswered } = await both(query, {}, token, {}, limited);
        expect(fastAnswered).toBe(false);
        expect(fast).toEqual(apollo);
        expect(fast.text).toMatch(/exceeds maximum operation depth|exceeds the limit of 10/);
      }
    } finally {
      await limited.stop();
    }
  });
});
