import { Connection, createConnection } from 'mongoose';
import { AgentRegistry } from '../src/heartbeat/agent-registry';
import { healthTopic } from '../src/heartbeat/agent-state';
import { INGEST, TestApp } from './support/test-app';

/**
 * Honest under faults: real failed writes on the real database (a document or a unique index
 * the service's next insert collides with), no mocked storage. A fresh database's first
 * sample log is `sample_wal_1` (its inserts numbered from 0) and its first heartbeat log is
 * `heartbeat_log_1`.
 */
describe('a write that fails half way', () => {
  let t: TestApp;
  let db: Connection;
  let agent: string;
  let viewer: string;

  beforeAll(async () => {
    t = await TestApp.start();
    db = await createConnection(process.env.VITALS_TEST_MONGODB_URI!, { dbName: t.database }).asPromise();
    agent = t.token({ roles: ['agent'], environments: ['prod'] });
    viewer = t.token({ roles: ['viewer'], environments: ['prod'] });
  });
  afterAll(async () => {
    await db.close();
    await t.stop();
  });

  const batch = (batchId: string, agentId: string) => ({
    batch: {
      batchId,
      environment: 'prod',
      heartbeats: [{ agentId, intervalSeconds: 1 }],
      series: [{ agentId, metric: 'cpu', timestamps: [t.clock.now() - 1000], values: [42] }],
    },
  });
  const agentExists = async (id: string) =>
    (await t.graphql<{ agent: { id: string } | null }>(`query($id: ID!) { agent(environment: "prod", id: $id) { id } }`, { id }, viewer)).data?.agent?.id;
  const loggedHeartbeats = async () => (await db.collection('heartbeat_log_1').find({}).toArray()).length;

  it('answers UNAVAILABLE when the heartbeat log fails and applies the whole batch on retry, not `duplicate`', async () => {
    // The heartbeat log's next document (stamped with the clock's now) collides with this one.
    await db.collection('heartbeat_log_1').createIndex({ receivedAt: 1 }, { unique: true, name: 'fault' });
    await db.collection('heartbeat_log_1').insertOne({ receivedAt: new Date(t.clock.now()), fault: true });

    const failed = await t.graphql(INGEST, batch('b-heartbeats', 'hb-1'), agent);
    expect(failed.errors?.[0].extensions?.code).toBe('UNAVAILABLE');
    expect(await agentExists('hb-1')).toBeUndefined();

    await db.collection('heartbeat_log_1').deleteMany({ fault: true });
    const retried = await t.graphql<{ ingestBatch: Record<string, unknown> }>(INGEST, batch('b-heartbeats', 'hb-1'), agent);
    expect(retried.errors).toBeUndefined();
    expect(retried.data?.ingestBatch).toMatchObject({ duplicate: false, acceptedHeartbeats: 1, acceptedSamples: 1 });
    expect(await agentExists('hb-1')).toBe('hb-1');
    await db.collection('heartbeat_log_1').dropIndex('fault');
  });

  it('answers UNAVAILABLE when the sample log fails after the heartbeats are logged, and a retry logs them only once', async () => {
    const before = await loggedHeartbeats();
    // The sample log's next two inserts (the fast path's, then Apollo's) collide with these.
    const wal = db.collection<{ _id: number }>('sample_wal_1');
    const next = ((await wal.find({}).sort({ _id: -1 }).limit(1).toArray())[0]?._id ?? -1) + 1;
    await wal.insertMany([{ _id: next }, { _id: next + 1 }]);

    const failed = await t.graphql(INGEST, batch('b-samples', 'hb-2'), agent);
    expect(failed.errors?.[0].extensions?.code).toBe('UNAVAILABLE');

    const retried = await t.graphql<{ ingestBatch: Record<string, unknown> }>(INGEST, batch('b-samples', 'hb-2'), agent);
    expect(retried.data?.ingestBatch).toMatchObject({ duplicate: false, acceptedHeartbeats: 1, acceptedSamples: 1 });
    expect(await loggedHeartbeats()).toBe(before + 1);
    const again = await t.graphql<{ ingestBatch: Record<string, unknown> }>(INGEST, batch('b-samples', 'hb-2'), agent);
    expect(again.data?.ingestBatch).toMatchObject({ duplicate: true, acceptedHeartbeats: 1 });
    await wal.deleteMany({ data: { $exists: false } });
  });

  it('keeps a status change whose event insert failed, stores it on the next sweep, and publishes it only then', async () => {
    const registry = t.get(AgentRegistry);
    const events = db.collection('agent_events');
    await t.graphql(INGEST, { batch: { environment: 'prod', heartbeats: [{ agentId: 'sweep-1', intervalSeconds: 1 }] } }, agent);
    const health = t.subscribe<{ agentHealthChanged: { agentId: string; status: string } }>(
      `subscription { agentHealthChanged(environment: "prod", agentIds: ["sweep-1", "test-marker"]) { agentId status } }`,
      {},
      viewer,
    );
    await t.listening(healthTopic('prod'));
    // Every further event of this agent collides with its first one (its registration).
    await events.createIndex({ agentId: 1 }, { unique: true, name: 'fault' });

    t.clock.advance(60_000);
    expect((await registry.sweep()).map((c) => c.status)).toContain('DOWN');
    expect((await events.find({ agentId: 'sweep-1' }).toArray()).map((e) => e.status as string)).toEqual(['HEALTHY']);
    expect((await t.healthSoFar(health, 'prod')).map((m) => m.data?.agentHealthChanged.status)).toEqual([]);

    await events.dropIndex('fault');
    await registry.sweep();
    expect((await events.find({ agentId: 'sweep-1' }).sort({ at: 1 }).toArray()).map((e) => e.status as string)).toEqual(['HEALTHY', 'DOWN']);
    expect((await t.healthSoFar(health, 'prod')).map((m) => m.data?.agentHealthChanged.status)).toEqual(['DOWN']);
  });
});
