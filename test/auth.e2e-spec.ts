import { healthTopic } from '../src/heartbeat/agent-state';
import { INGEST, TestApp, TRENDS } from './support/test-app';

const AGENTS = `query($environment: String!) { agents(environment: $environment) { totalCount edges { node { id } } } }`;
const UPTIME = `query($environment: String!, $agentId: ID!, $from: DateTime!, $to: DateTime!) {
  uptime(environment: $environment, agentId: $agentId, from: $from, to: $to) { availabilityPercent }
}`;
const HEALTH_SUB = `subscription($environment: String!) { agentHealthChanged(environment: $environment) { agentId status } }`;

describe('auth and environment isolation (HTTP and WebSocket)', () => {
  let t: TestApp;
  let agentA: string;
  let viewerA: string;
  const range = () => ({ from: new Date(t.clock.now() - 3_600_000).toISOString(), to: new Date(t.clock.now() + 60_000).toISOString() });

  beforeAll(async () => {
    t = await TestApp.start();
    agentA = t.token({ roles: ['agent'], environments: ['env-a'] });
    viewerA = t.token({ roles: ['viewer'], environments: ['env-a'] });
    const agentB = t.token({ roles: ['agent'], environments: ['env-b'] });
    for (const [environment, token] of [
      ['env-a', agentA],
      ['env-b', agentB],
    ]) {
      const res = await t.graphql(
        INGEST,
        { batch: { environment, heartbeats: [{ agentId: `${environment}-host` }], samples: [{ agentId: `${environment}-host`, metric: 'cpu', value: 1 }] } },
        token,
      );
      expect(res.errors).toBeUndefined();
    }
  });
  afterAll(() => t.stop());

  it('answers a request without a token with UNAUTHENTICATED', async () => {
    const res = await t.graphql(AGENTS, { environment: 'env-a' });
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(res.data?.agents ?? null).toBeNull();
  });

  it('answers a token signed with another secret with UNAUTHENTICATED', async () => {
    const forged = viewerA.slice(0, viewerA.lastIndexOf('.') + 1) + 'AAAA';
    const res = await t.graphql(AGENTS, { environment: 'env-a' }, forged);
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('forbids queries to agent tokens and ingestion to viewer tokens', async () => {
    const query = await t.graphql(AGENTS, { environment: 'env-a' }, agentA);
    expect(query.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const ingest = await t.graphql(INGEST, { batch: { environment: 'env-a', samples: [{ agentId: 'x', metric: 'm', value: 1 }] } }, viewerA);
    expect(ingest.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('lets an agent token that names agents ingest only for them', async () => {
    const token = t.token({ roles: ['agent'], environments: ['env-a'], agentIds: ['mine'] });
    const res = await t.graphql<{ ingestBatch: { acceptedSamples: number; errors: { path: string; code: string }[] } }>(
      INGEST,
      {
        batch: {
          environment: 'env-a',
          samples: [
            { agentId: 'mine', metric: 'm', value: 1 },
            { agentId: 'theirs', metric: 'm', value: 1 },
          ],
        },
      },
      token,
    );
    expect(res.data?.ingestBatch.acceptedSamples).toBe(1);
    expect(res.data?.ingestBatch.errors).toEqual([expect.objectContaining({ path: 'samples[1].agentId', code: 'FORBIDDEN' })]);
  });

  it('shows an environment-A token its own agents only', async () => {
    const own = await t.graphql<{ agents: { totalCount: number; edges: { node: { id: string } }[] } }>(AGENTS, { environment: 'env-a' }, viewerA);
    expect(own.data?.agents.totalCount).toBe(1);
    expect(own.data?.agents.edges.map((e) => e.node.id)).toEqual(['env-a-host']);
  });

  it.each([
    ['agents', AGENTS, {}],
    ['agent', `query($environment: String!) { agent(environment: $environment, id: "env-b-host") { id } }`, {}],
    ['trends', TRENDS, { metric: 'cpu' }],
    ['uptime', UPTIME, { agentId: 'env-b-host' }],
    ['alerts', `query($environment: String!) { alerts(environment: $environment) { edges { node { id } } } }`, {}],
  ])('refuses %s of environment B to an environment-A token, revealing nothing', async (_name, query, extra) => {
    const res = await t.graphql(query, { environment: 'env-b', ...range(), ...extra }, viewerA);
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(Object.values(res.data ?? {}).every((value) => value === null)).toBe(true);
  });

  it('closes a WebSocket without a valid token with 4401', async () => {
    let closedWith: number | undefined;
    const socket = t.socket(undefined, (code) => (closedWith = code));
    const sub = new Promise((resolve) =>
      socket.subscribe({ query: HEALTH_SUB, variables: { environment: 'env-a' } }, { next: resolve, error: resolve, complete: () => resolve(undefined) }),
    );
    await sub;
    expect(closedWith).toBe(4401);
  });

  it('refuses a subscription to environment B over WebSocket', async () => {
    const sub = t.subscribe(HEALTH_SUB, { environment: 'env-b' }, viewerA);
    const message = await sub.next();
    expect(message.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('never delivers environment B events to an environment-A subscriber', async () => {
    const subA = t.subscribe<{ agentHealthChanged: { agentId: string; status: string } }>(HEALTH_SUB, { environment: 'env-a' }, viewerA);
    await t.listening(healthTopic('env-a'));
    const agentB = t.token({ roles: ['agent'], environments: ['env-b'] });
    await t.graphql(INGEST, { batch: { environment: 'env-b', heartbeats: [{ agentId: 'new-in-b' }] } }, agentB);
    await t.graphql(INGEST, { batch: { environment: 'env-a', heartbeats: [{ agentId: 'new-in-a' }] } }, agentA);
    // The B event was published before the A one: had it reached A, it would have come first.
    const message = await subA.next();
    expect(message.data).toEqual({ agentHealthChanged: { agentId: 'new-in-a', status: 'HEALTHY' } });
    expect(await t.healthSoFar(subA, 'env-a')).toEqual([]);
  });

  describe('with tight limits', () => {
    let strict: TestApp;
    let token: string;
    beforeAll(async () => {
      strict = await TestApp.start({ GRAPHQL_MAX_DEPTH: '3', GRAPHQL_MAX_COST: '200' });
      token = strict.token({ roles: ['viewer'], environments: ['*'] });
    });
    afterAll(() => strict.stop());

    it('refuses a query deeper than the depth limit, and serves a shallower one', async () => {
      const deep = `query { agents(environment: "env-a") { edges { node { labels { name } } } } }`;
      const res = await strict.graphql(deep, {}, token);
      expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0].message).toMatch(/exceeds maximum operation depth/);
      expect((await strict.graphql(`query { agents(environment: "env-a") { totalCount } }`, {}, token)).errors).toBeUndefined();
    });

    it('refuses a query over the cost limit, counting page sizes', async () => {
      const res = await strict.graphql(`query { agents(environment: "env-a", first: 500) { edges { cursor } } }`, {}, token);
      expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0].message).toMatch(/cost \d+ exceeds the limit of 200/);
      expect((await strict.graphql(`query { agents(environment: "env-a", first: 10) { edges { cursor } } }`, {}, token)).errors).toBeUndefined();
    });
  });
});
