import { TestApp } from './support/test-app';

type Sent = { sent: Record<string, unknown> };

/** The fast path answers exactly as Apollo does: the same batch through both gives the same answer. */
describe('ingestBatch fast path (HTTP, real database)', () => {
  let t: TestApp;
  let agent: string;

  beforeAll(async () => {
    t = await TestApp.start();
    agent = t.token({ roles: ['agent'], environments: ['prod'] });
  });
  afterAll(() => t.stop());

  const selection = 'n: acceptedSamples rejectedSamples duplicate batchId __typename errors { code path }';
  // The same operation, but the directive sends it through Apollo.
  const plain = `mutation Send($b: TelemetryBatchInput!) { sent: ingestBatch(batch: $b) { ${selection} } }`;
  const viaApollo = `mutation Send($b: TelemetryBatchInput!) { sent: ingestBatch(batch: $b) @include(if: true) { ${selection} } }`;

  const batch = (batchId: string) => ({
    batchId,
    environment: 'prod',
    series: [{ agentId: 'a1', metric: 'm', timestamps: [t.clock.now() - 1000, 1], values: [1.5, 2] }],
  });

  it('gives the same answers, duplicates and errors included', async () => {
    const fast = [await t.graphql<Sent>(plain, { b: batch('f1') }, agent), await t.graphql<Sent>(plain, { b: batch('f1') }, agent)];
    const slow = [await t.graphql<Sent>(viaApollo, { b: batch('s1') }, agent), await t.graphql<Sent>(viaApollo, { b: batch('s1') }, agent)];
    const withoutId = (r: { data?: Sent }) => ({ ...r.data?.sent, batchId: undefined });
    expect(fast[0].data?.sent).toMatchObject({
      n: 1,
      rejectedSamples: 1,
      duplicate: false,
      __typename: 'IngestResult',
      errors: [{ code: 'TIMESTAMP_OUT_OF_RANGE', path: 'series[0].timestamps[1]' }],
    });
    expect(fast[1].data?.sent).toMatchObject({ duplicate: true });
    expect(fast.map(withoutId)).toEqual(slow.map(withoutId));
  });

  it('leaves refusals to Apollo: a wrong environment and a badly typed batch get their GraphQL errors', async () => {
    const other = await t.graphql(plain, { b: { ...batch('f2'), environment: 'staging' } }, agent);
    expect(other.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const typed = await t.graphql(plain, { b: { ...batch('f3'), series: [{ agentId: 'a1', metric: 'm', timestamps: ['x'], values: [1] }] } }, agent);
    expect(typed.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const anonymous = await t.graphql(plain, { b: batch('f4') });
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});
