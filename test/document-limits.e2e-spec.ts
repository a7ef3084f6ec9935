import { AgentRegistry } from '../src/heartbeat/agent-registry';
import { partsCollection, TimeSeriesRepository } from '../src/storage/repositories/time-series.repository';
import { TimeSeriesStore } from '../src/storage/timeseries/time-series-store';
import { AgentStateRepository } from '../src/storage/repositories/agent-state.repository';
import { INGEST, TestApp } from './support/test-app';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';

type Ingested = { ingestBatch: { acceptedSamples: number; acceptedHeartbeats: number; rejectedSamples: number } };

/** 32 labels of 256 three-byte characters: about 25 KB of labels a series or agent in every document that names them. */
const HEAVY_LABELS = Array.from({ length: 32 }, (_, i) => ({ name: `label_${String(i).padStart(2, '0')}`, value: `${i}`.padEnd(256, '€') }));

describe('no document over the 16 MiB limit', () => {
  let t: TestApp;
  let agent: string;

  beforeAll(async () => {
    t = await TestApp.start({ MAX_REQUEST_BYTES: String(64 * 1024 * 1024) });
    agent = t.token({ roles: ['agent'], environments: ['prod'] });
  });
  afterAll(() => t?.stop());

  it('stores a label-heavy batch whose log group, catalog and heartbeat log documents would cross it, and reads it back after a restart', async () => {
    const now = t.clock.now();
    const series = Array.from({ length: 700 }, (_, i) => ({
      agentId: `host-${i}`,
      metric: 'cpu',
      labels: HEAVY_LABELS,
      timestamps: [now - 1000, now],
      values: [i, i],
    }));
    const samples = await t.graphql<Ingested>(INGEST, { batch: { environment: 'prod', series } }, agent);
    expect(samples.errors).toBeUndefined();
    expect(samples.data?.ingestBatch.acceptedSamples).toBe(1400);
    const heartbeats = Array.from({ length: 700 }, (_, i) => ({ agentId: `host-${i}`, labels: HEAVY_LABELS }));
    const beats = await t.graphql<Ingested>(INGEST, { batch: { environment: 'prod', heartbeats } }, agent);
    expect(beats.errors).toBeUndefined();
    expect(beats.data?.ingestBatch.acceptedHeartbeats).toBe(700);

    await t.get(TimeSeriesStore).checkpoint();
    await t.get(AgentRegistry).snapshot();
    const database = t.database;
    await t.stop({ keepDatabase: true });

    t = await TestApp.start({ MONGODB_DB: database });
    const viewer = t.token({ roles: ['viewer'], environments: ['prod'] });
    const values = await t.graphql<{ labelValues: string[] }>(`{ labelValues(environment: "prod", name: "label_31", metric: "cpu") }`, {}, viewer);
    expect(values.data?.labelValues).toEqual([HEAVY_LABELS[31].value]);
    const agents = await t.graphql<{ agents: { totalCount: number } }>(`{ agents(environment: "prod") { totalCount } }`, {}, viewer);
    expect(agents.data?.agents.totalCount).toBe(700);
  }, 180_000);

  it('stores a part page over the limit in several documents, read back whole and deleted whole', async () => {
    const repository = t.get(TimeSeriesRepository);
    const id = 'raw|prod|big|0|g1#0';
    const data = Buffer.alloc(20 * 1024 * 1024, 7);
    data.writeUInt32LE(123456, 19 * 1024 * 1024);
    const doc = { _id: id, environment: 'prod', metric: 'big', tier: 'raw', from: new Date(0), to: new Date(1), data };
    await repository.insertParts([doc]);
    await repository.insertParts([doc]); // a repeated checkpoint keeps what is stored
    expect((await repository.findPart(id))?.equals(data)).toBe(true);
    const collection = t.get<Connection>(getConnectionToken() as never).collection(partsCollection('raw'));
    expect(await collection.countDocuments({ _id: { $in: [id, `${id}~1`] } as never })).toBe(2);
    await repository.deleteParts([id]);
    expect(await collection.countDocuments({ _id: { $in: [id, `${id}~1`] } as never })).toBe(0);
  });

  it('saves an agent snapshot shard over the limit in pieces and loads only its latest save', async () => {
    const repository = t.get(AgentStateRepository);
    const agents = Array.from({ length: 700 }, (_, i) => ({ agentId: `a${i}`, labels: HEAVY_LABELS }));
    const takenAt = new Date(t.clock.now());
    await repository.saveSnapshots([{ environment: 'shards', shard: 3, takenAt, agents }]);
    const later = new Date(takenAt.getTime() + 1000);
    await repository.saveSnapshots([{ environment: 'shards', shard: 3, takenAt: later, agents: agents.slice(0, 2) }]);
    const loaded = (await repository.loadSnapshots()).filter((s) => s.environment === 'shards');
    expect(loaded.flatMap((s) => s.agents)).toEqual(agents.slice(0, 2));
  });
});

describe('bounded write-ahead logs', () => {
  let t: TestApp;
  beforeAll(async () => (t = await TestApp.start({ WAL_MAX_PENDING_BYTES: '65536' })));
  afterAll(() => t.stop());

  it('answers batches past WAL_MAX_PENDING_BYTES with UNAVAILABLE and a retry hint, and takes them when retried', async () => {
    const agent = t.token({ roles: ['agent'], environments: ['prod'] });
    const now = t.clock.now();
    // About 80 KB each in the log's estimate: while one is being written, another does not fit.
    const batch = (i: number) => ({
      batchId: `b${i}`,
      environment: 'prod',
      series: [
        { agentId: `a${i}`, metric: 'm', timestamps: Array.from({ length: 5000 }, (_, k) => now - 5000 + k), values: Array.from({ length: 5000 }, () => 1) },
      ],
    });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => t.graphql<Ingested>(INGEST, { batch: batch(i) }, agent)));
    const refused = answers.flatMap((a, i) => (a.errors === undefined ? [] : [i]));
    expect(refused.length).toBeGreaterThan(0);
    for (const i of refused) expect(answers[i].errors?.[0].extensions).toEqual({ code: 'UNAVAILABLE', retryAfterSeconds: 1 });
    for (const i of refused) {
      const retried = await t.graphql<Ingested>(INGEST, { batch: batch(i) }, agent);
      expect(retried.data?.ingestBatch.acceptedSamples).toBe(5000);
    }
  });
});
