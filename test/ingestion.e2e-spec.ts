import { INGEST, TestApp, TRENDS } from './support/test-app';

describe('ingestBatch and trends (HTTP, real database)', () => {
  let t: TestApp;
  let agent: string;
  let viewer: string;
  const MIN = 60_000;
  let base: number;

  beforeAll(async () => {
    t = await TestApp.start();
    agent = t.token({ roles: ['agent'], environments: ['prod'] });
    viewer = t.token({ roles: ['viewer'], environments: ['prod'] });
    base = Math.floor(t.clock.now() / (10 * MIN)) * 10 * MIN - 60 * MIN;
  });
  afterAll(() => t.stop());

  const trends = (metric: string, stepSeconds = 60) =>
    t.graphql<{ trends: { stepSeconds: number; resolution: string; series: { agentId: string; points: Record<string, unknown>[] }[] } }>(
      TRENDS,
      { environment: 'prod', metric, from: new Date(base).toISOString(), to: new Date(base + 10 * MIN).toISOString(), stepSeconds },
      viewer,
    );

  it('returns exactly the sent values in the right buckets', async () => {
    const res = await t.graphql(
      INGEST,
      {
        batch: {
          environment: 'prod',
          heartbeats: [{ agentId: 'a1', intervalSeconds: 10 }],
          series: [{ agentId: 'a1', metric: 'cpu.usage', timestamps: [base + 1_000, base + 30_000, base + MIN + 5], values: [10, 20.5, 7] }],
          samples: [
            { agentId: 'a2', metric: 'cpu.usage', value: 3, timestamp: base + 2 * MIN },
            { agentId: 'a1', metric: 'cpu.usage', value: -1.25, timestamp: base + 59_999 },
          ],
        },
      },
      agent,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.ingestBatch).toEqual({
      batchId: null,
      acceptedSamples: 5,
      rejectedSamples: 0,
      acceptedHeartbeats: 1,
      rejectedHeartbeats: 0,
      duplicate: false,
      errors: [],
    });

    const { data, errors } = await trends('cpu.usage');
    expect(errors).toBeUndefined();
    expect(data?.trends).toMatchObject({ stepSeconds: 60, resolution: '1m' });
    expect(data?.trends.series).toEqual([
      {
        agentId: 'a1',
        metric: 'cpu.usage',
        points: [
          { timestamp: new Date(base).toISOString(), count: 3, sum: 29.25, avg: 9.75, min: -1.25, max: 20.5 },
          { timestamp: new Date(base + MIN).toISOString(), count: 1, sum: 7, avg: 7, min: 7, max: 7 },
        ],
      },
      {
        agentId: 'a2',
        metric: 'cpu.usage',
        points: [{ timestamp: new Date(base + 2 * MIN).toISOString(), count: 1, sum: 3, avg: 3, min: 3, max: 3 }],
      },
    ]);
  });

  it('applies a retried batchId once and answers duplicate: true', async () => {
    const batch = {
      batchId: 'retry-1',
      environment: 'prod',
      series: [{ agentId: 'a3', metric: 'mem.used', timestamps: [base + 1_000, base + 2_000], values: [1, 2] }],
    };
    const first = await t.graphql<{ ingestBatch: { duplicate: boolean; acceptedSamples: number } }>(INGEST, { batch }, agent);
    const again = await t.graphql<{ ingestBatch: { duplicate: boolean; acceptedSamples: number; batchId: string } }>(INGEST, { batch }, agent);
    expect(first.data?.ingestBatch).toMatchObject({ duplicate: false, acceptedSamples: 2 });
    expect(again.data?.ingestBatch).toMatchObject({ duplicate: true, acceptedSamples: 2, batchId: 'retry-1' });

    const { data } = await trends('mem.used', 600);
    expect(data?.trends.series).toEqual([
      { agentId: 'a3', metric: 'mem.used', points: [{ timestamp: new Date(base).toISOString(), count: 2, sum: 3, avg: 1.5, min: 1, max: 2 }] },
    ]);
  });

  it('answers concurrent retries of one batchId with one application', async () => {
    const batch = {
      batchId: 'concurrent-1',
      environment: 'prod',
      samples: [{ agentId: 'a4', metric: 'disk.used', value: 5, timestamp: base + 1_000 }],
    };
    const answers = await Promise.all([1, 2, 3].map(() => t.graphql<{ ingestBatch: { duplicate: boolean } }>(INGEST, { batch }, agent)));
    expect(answers.map((a) => a.data?.ingestBatch.duplicate).sort()).toEqual([false, true, true]);
    const { data } = await trends('disk.used', 600);
    expect(data?.trends.series[0].points[0]).toMatchObject({ count: 1, sum: 5 });
  });

  it('keeps the good items of a mixed batch and reports each bad one with its path', async () => {
    const res = await t.graphql<{
      ingestBatch: { acceptedSamples: number; rejectedSamples: number; acceptedHeartbeats: number; errors: { path: string; code: string }[] };
    }>(
      INGEST,
      {
        batch: {
          environment: 'prod',
          heartbeats: [
            { agentId: 'm1', intervalSeconds: 0 },
            { agentId: 'm2', cpu: 50 },
          ],
          series: [
            { agentId: 'm1', metric: 'net.rx', timestamps: [base + 1_000, base + 2_000], values: [1, 2] },
            { agentId: 'm1', metric: 'net.rx', timestamps: [base + 3_000, 1, base + 4_000], values: [3, 4, 5] },
            { agentId: 'm1', metric: 'net.rx', timestamps: [base + 5_000], values: [6, 7] },
            { agentId: 'm1', metric: 'bad metric!', timestamps: [base], values: [1] },
          ],
          samples: [
            { agentId: 'm2', metric: 'net.rx', value: 9, timestamp: base + 6_000, labels: [{ name: '9lives', value: 'x' }] },
            { agentId: '', metric: 'net.rx', value: 9 },
            { agentId: 'm2', metric: 'net.rx', value: 8, timestamp: t.clock.now() + 3_600_000 },
          ],
        },
      },
      agent,
    );
    expect(res.errors).toBeUndefined();
    const result = res.data!.ingestBatch;
    expect(result).toMatchObject({ acceptedSamples: 4, rejectedSamples: 7, acceptedHeartbeats: 1 });
    expect(result.errors.map((e) => [e.path, e.code])).toEqual([
      ['heartbeats[0].intervalSeconds', 'OUT_OF_RANGE'],
      ['series[1].timestamps[1]', 'TIMESTAMP_OUT_OF_RANGE'],
      ['series[2]', 'LENGTH_MISMATCH'],
      ['series[3].metric', 'INVALID_NAME'],
      ['samples[0].labels[0].name', 'INVALID_NAME'],
      ['samples[1].agentId', 'INVALID_ID'],
      ['samples[2].timestamp', 'TIMESTAMP_OUT_OF_RANGE'],
    ]);
    const { data } = await trends('net.rx', 600);
    expect(data?.trends.series).toEqual([
      { agentId: 'm1', metric: 'net.rx', points: [{ timestamp: new Date(base).toISOString(), count: 4, sum: 11, avg: 2.75, min: 1, max: 5 }] },
    ]);
  });

  it('refuses a whole batch over the size limit, with a code and a path', async () => {
    const res = await t.graphql(
      INGEST,
      { batch: { environment: 'prod', samples: Array.from({ length: 20_001 }, () => ({ agentId: 'x', metric: 'm', value: 1 })) } },
      agent,
    );
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].extensions?.argumentPath).toBe('batch');
    expect(res.errors?.[0].message).toMatch(/limit is 20000/);
  });

  it('refuses values GraphQL cannot carry with BAD_USER_INPUT and the variable path', async () => {
    const res = await t.graphql(INGEST, { batch: { environment: 'prod', samples: [{ agentId: 'x', metric: 'm', value: 'high' }] } }, agent);
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.status).toBe(400);
    expect(res.errors?.[0].message).toMatch(/samples\[0\]\.value/);
  });

  it('answers a body that is not JSON with a GraphQL-shaped error', async () => {
    const response = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ path: ['body'], extensions: { code: 'BAD_USER_INPUT', reason: 'INVALID_JSON' } }] });
  });
});
