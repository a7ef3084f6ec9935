import WebSocket from 'ws';
import { GraphQLResponse, INGEST, TestApp, TRENDS } from './support/test-app';

const AGENTS = (first: number) => `query Agents($environment: String!) { agents(environment: $environment, first: ${first}) { edges { node { id status } } } }`;
const DEEP = `query Deep($environment: String!) { agents(environment: $environment, first: 1) { edges { node { health { components { liveness } } } } } }`;
const HEALTH_SUB = `subscription($environment: String!) { agentHealthChanged(environment: $environment) { agentId } }`;

/** The first message of an operation sent over graphql-ws (a query, or a subscription's first answer or error). */
async function overSocket(t: TestApp, query: string, variables: Record<string, unknown>, token: string): Promise<GraphQLResponse> {
  const subscription = t.subscribe(query, variables, token);
  return subscription.next();
}

/** A raw WebSocket on the graphql-ws protocol, and the close code it ends with. */
function rawSocket(t: TestApp): { socket: WebSocket; closed: Promise<number> } {
  const socket = new WebSocket(t.url.replace(/^http/, 'ws') + '/graphql', 'graphql-transport-ws');
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  socket.on('error', () => undefined);
  return { socket, closed };
}

describe('the same limits over HTTP and WebSocket', () => {
  let t: TestApp;
  let viewer: string;

  beforeAll(async () => {
    t = await TestApp.start({ GRAPHQL_MAX_COST: '100', GRAPHQL_MAX_DEPTH: '4' });
    viewer = t.token({ roles: ['viewer'], environments: ['prod'] });
  });
  afterAll(() => t.stop());

  it('refuses an over-costly operation over WebSocket with the answer HTTP gives', async () => {
    const http = await t.graphql(AGENTS(500), { environment: 'prod' }, viewer);
    expect(http.errors?.[0].message).toContain('exceeds the limit of 100');
    expect(http.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const ws = await overSocket(t, AGENTS(500), { environment: 'prod' }, viewer);
    expect(ws.errors?.[0]).toMatchObject({ message: http.errors?.[0].message, extensions: { code: 'BAD_USER_INPUT' } });
    // Within the limit, the same operation is answered over both.
    expect((await t.graphql(AGENTS(10), { environment: 'prod' }, viewer)).errors).toBeUndefined();
    expect((await overSocket(t, AGENTS(10), { environment: 'prod' }, viewer)).errors).toBeUndefined();
  });

  it('refuses an over-costly subscription', async () => {
    const fields = Array.from({ length: 120 }, (_, i) => `f${i}: agentId`).join(' ');
    const ws = await overSocket(t, `subscription { agentHealthChanged(environment: "prod") { ${fields} } }`, {}, viewer);
    expect(ws.errors?.[0].message).toContain('exceeds the limit of 100');
    expect(ws.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses an over-deep operation over WebSocket with the code HTTP gives', async () => {
    const http = await t.graphql(DEEP, { environment: 'prod' }, viewer);
    expect(http.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const ws = await overSocket(t, DEEP, { environment: 'prod' }, viewer);
    expect(ws.errors?.[0]).toMatchObject({ message: http.errors?.[0].message, extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('answers syntax errors and badly typed variables over WebSocket with BAD_USER_INPUT, the socket staying open', async () => {
    expect((await overSocket(t, 'subscription { agentHealthChanged(', {}, viewer)).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await overSocket(t, HEALTH_SUB, { environment: 7 }, viewer)).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('closes a socket whose message before connection_init is over WS_MAX_PAYLOAD_BEFORE_AUTH_BYTES with 1009, and stays up', async () => {
    const { socket, closed } = rawSocket(t);
    await new Promise((resolve) => socket.on('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { padding: 'x'.repeat(65 * 1024) } }));
    expect(await closed).toBe(1009);
    expect((await t.graphql(AGENTS(1), { environment: 'prod' }, viewer)).errors).toBeUndefined();
  });

  it('takes messages up to MAX_REQUEST_BYTES once the socket is authenticated', async () => {
    const padded = `${AGENTS(1)}\n#${'x'.repeat(200 * 1024)}`;
    expect((await overSocket(t, padded, { environment: 'prod' }, viewer)).errors).toBeUndefined();
  });
});

describe('rate limits', () => {
  let t: TestApp;
  const limits = {
    RATE_LIMIT_VIEWER_PER_SECOND: '0.5',
    RATE_LIMIT_VIEWER_BURST: '3',
    RATE_LIMIT_AGENT_PER_SECOND: '0.5',
    RATE_LIMIT_AGENT_BURST: '2',
    RATE_LIMIT_ANONYMOUS_PER_SECOND: '0.5',
    RATE_LIMIT_ANONYMOUS_BURST: '2',
  };

  beforeAll(async () => (t = await TestApp.start(limits)));
  afterAll(() => t.stop());

  const post = async (query: string, variables: Record<string, unknown>, token?: string) => {
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as GraphQLResponse };
  };
  const expectLimited = (answer: Awaited<ReturnType<typeof post>>) => {
    expect(answer.status).toBe(429);
    expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(answer.body.errors?.[0].extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: Number(answer.retryAfter) });
  };

  it('limits reads per token subject (the read fast path included), leaving other subjects alone', async () => {
    const viewer = t.token({ sub: 'reader-1', roles: ['viewer'], environments: ['prod'] });
    const now = t.clock.now();
    const variables = { environment: 'prod', metric: 'cpu', from: new Date(now - 60_000).toISOString(), to: new Date(now).toISOString() };
    for (let i = 0; i < 3; i++) expect((await post(TRENDS, variables, viewer)).status).toBe(200);
    expectLimited(await post(TRENDS, variables, viewer));
    expectLimited(await post(AGENTS(1), { environment: 'prod' }, viewer));
    const other = t.token({ sub: 'reader-2', roles: ['viewer'], environments: ['prod'] });
    expect((await post(TRENDS, variables, other)).status).toBe(200);
  });

  it('limits ingestion per agent subject with the agent role limit (the ingest fast path)', async () => {
    const agent = t.token({ sub: 'relay-1', roles: ['agent'], environments: ['prod'] });
    const batch = { environment: 'prod', samples: [{ agentId: 'a1', metric: 'cpu', value: 1 }] };
    for (let i = 0; i < 2; i++) expect((await post(INGEST, { batch }, agent)).body.errors).toBeUndefined();
    expectLimited(await post(INGEST, { batch }, agent));
  });

  it('limits requests without a valid token per client IP', async () => {
    for (let i = 0; i < 2; i++) expect((await post(AGENTS(1), { environment: 'prod' })).body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expectLimited(await post(AGENTS(1), { environment: 'prod' }, 'not-a-token'));
  });

  it('limits subscribe messages over WebSocket', async () => {
    const viewer = t.token({ sub: 'watcher', roles: ['viewer'], environments: ['prod'] });
    const socket = t.socket(viewer);
    const answers: GraphQLResponse[] = [];
    for (let i = 0; i < 4; i++) {
      answers.push(
        await new Promise<GraphQLResponse>((resolve) =>
          socket.subscribe(
            { query: AGENTS(1), variables: { environment: 'prod' } },
            { next: (m) => resolve(m as GraphQLResponse), error: (e) => resolve({ status: 0, errors: e as never }), complete: () => undefined },
          ),
        ),
      );
    }
    expect(answers.slice(0, 3).map((a) => a.errors)).toEqual([undefined, undefined, undefined]);
    expect(answers[3].errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    expect(answers[3].errors?.[0].extensions?.retryAfterSeconds).toBeGreaterThanOrEqual(1);
  });
});
