import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Connection, createConnection } from 'mongoose';
import { AgentRegistry } from '../src/heartbeat/agent-registry';
import { healthTopic } from '../src/heartbeat/agent-state';
import { TimeSeriesStore } from '../src/storage/timeseries/time-series-store';
import { ensureBuilt, SERVICE_MAIN, ServiceProcess } from './support/service-process';
import { INGEST, TestApp, TRENDS, waitFor } from './support/test-app';

const METRICS_TOKEN = 'metrics-token-0123456789';

/** Prometheus text exposition: `name{label="value",...} number` per sample; comments and blank lines skipped. */
function parseExposition(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{.*\})?) (\S+)$/.exec(line);
    if (match === null) throw new Error(`not exposition format: ${line}`);
    samples.set(match[1], Number(match[2]));
  }
  return samples;
}

describe('/metrics', () => {
  let t: TestApp;
  let db: Connection;
  let agent: string;
  let viewer: string;

  beforeAll(async () => {
    t = await TestApp.start({ METRICS_TOKEN });
    db = await createConnection(process.env.VITALS_TEST_MONGODB_URI!, { dbName: t.database }).asPromise();
    agent = t.token({ roles: ['agent'], environments: ['prod'] });
    viewer = t.token({ roles: ['viewer'], environments: ['prod'] });
  });
  afterAll(async () => {
    await db.close();
    await t.stop();
  });

  const scrape = async () => {
    const response = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    return parseExposition(await response.text());
  };
  const value = (samples: Map<string, number>, name: string) => samples.get(name) ?? 0;

  it('is refused without the token', async () => {
    expect((await fetch(`${t.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${t.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
  });

  it('exposes the named metrics, and they move with ingests, queries, checkpoints, sweeps, subscriptions and database errors', async () => {
    const before = await scrape();
    for (const name of [
      'nodejs_eventloop_lag_seconds',
      'process_resident_memory_bytes',
      'vitals_head_series',
      'vitals_head_samples',
      'vitals_agents',
      'vitals_database_connected',
    ]) {
      expect(before.has(name)).toBe(true);
    }
    expect(value(before, 'vitals_database_connected')).toBe(1);

    // A failed sample log insert (its next two _ids taken: the fast path's try and Apollo's) counts as a database error.
    await db.collection<{ _id: number }>('sample_wal_1').insertMany([{ _id: 0 }, { _id: 1 }]);
    const now = t.clock.now();
    const batch = (batchId: string) => ({
      batch: {
        batchId,
        environment: 'prod',
        heartbeats: [{ agentId: 'm-1', intervalSeconds: 1 }],
        series: [{ agentId: 'm-1', metric: 'cpu', timestamps: [now - 2000, now - 1000], values: [1, 2] }],
      },
    });
    expect((await t.graphql(INGEST, batch('m-fail'), agent)).errors?.[0].extensions?.code).toBe('UNAVAILABLE');
    expect((await t.graphql(INGEST, batch('m-ok'), agent)).errors).toBeUndefined();
    const from = new Date(now - 60_000).toISOString();
    expect((await t.graphql(TRENDS, { environment: 'prod', metric: 'cpu', from, to: new Date(now).toISOString() }, viewer)).errors).toBeUndefined();
    const unsubscribe = t
      .socket(viewer)
      .subscribe(
        { query: `subscription { agentHealthChanged(environment: "prod") { agentId } }` },
        { next: () => undefined, error: () => undefined, complete: () => undefined },
      );
    await t.listening(healthTopic('prod'));
    await t.get(AgentRegistry).sweep();

    const during = await scrape();
    expect(value(during, 'vitals_subscriptions_active{field="agentHealthChanged"}')).toBe(1);
    expect(value(during, 'vitals_head_series')).toBe(value(before, 'vitals_head_series') + 1);
    expect(value(during, 'vitals_head_samples')).toBe(value(before, 'vitals_head_samples') + 2);
    const moved = (name: string, by = 1) => expect(value(during, name) - value(before, name)).toBeGreaterThanOrEqual(by);
    moved('vitals_ingest_batches_total{outcome="applied"}');
    moved('vitals_ingest_batches_total{outcome="UNAVAILABLE"}');
    moved('vitals_ingest_samples_total{result="accepted"}', 2);
    moved('vitals_ingest_heartbeats_total', 1);
    moved('vitals_ingest_duration_seconds_count', 2);
    moved('vitals_wal_group_entries_count{log="samples"}', 2);
    moved('vitals_wal_group_entries_count{log="heartbeats"}');
    moved('vitals_wal_group_bytes_count{log="samples"}', 2);
    moved('vitals_wal_write_duration_seconds_count{log="samples",result="error"}');
    moved('vitals_wal_write_duration_seconds_count{log="samples",result="ok"}');
    moved('vitals_query_duration_seconds_count{query="trends",result="ok"}');
    moved('vitals_detector_sweep_duration_seconds_count{result="ok"}');
    moved('vitals_database_errors_total{command="insert"}');

    unsubscribe();
    await waitFor(() => t.listeners(healthTopic('prod')) === 0, 'the subscription to end');
    await t.get(TimeSeriesStore).checkpoint();
    const after = await scrape();
    expect(value(after, 'vitals_subscriptions_active{field="agentHealthChanged"}')).toBe(0);
    expect(value(after, 'vitals_checkpoint_duration_seconds_count{result="ok"}')).toBeGreaterThanOrEqual(1);
    expect(value(after, 'vitals_head_series')).toBe(0);
  });
});

describe('access audit', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await TestApp.start();
    admin = t.token({ sub: 'the-admin', roles: ['admin'], environments: ['*'] });
  });
  afterAll(() => t.stop());

  const AUDIT = `query($environment: String!) {
    auditLog(environment: $environment, action: "access.") { edges { node { environment actor action targetId outcome remoteAddress } } }
  }`;
  type Entry = { environment: string; actor: string; action: string; outcome: string; remoteAddress?: string };
  /** The access entries of `environment`, once there are `count` (they are written off the response path). */
  async function accessEntries(environment: string, count: number): Promise<Entry[]> {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const response = await t.graphql<{ auditLog: { edges: { node: Entry }[] } }>(AUDIT, { environment }, admin);
      const entries = response.data?.auditLog.edges.map((e) => e.node) ?? [];
      if (entries.length >= count || Date.now() > deadline) return entries;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('records every refused request (who, what, from where, result) and no successful ingest or read', async () => {
    const now = t.clock.now();
    const batch = { batch: { environment: 'prod', series: [{ agentId: 'a', metric: 'cpu', timestamps: [now - 1000], values: [1] }] } };
    const viewer = t.token({ sub: 'the-viewer', roles: ['viewer'], environments: ['prod'] });
    const agent = t.token({ sub: 'the-agent', roles: ['agent'], environments: ['prod'] });
    const trends = { metric: 'cpu', from: new Date(now - 60_000).toISOString(), to: new Date(now).toISOString() };

    expect((await t.graphql(INGEST, batch)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await t.graphql(INGEST, batch, viewer)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await t.graphql(INGEST, batch, agent)).errors).toBeUndefined();
    expect((await t.graphql(TRENDS, { environment: 'prod', ...trends }, viewer)).errors).toBeUndefined();
    expect((await t.graphql(TRENDS, { environment: 'staging', ...trends }, viewer)).errors?.[0].extensions?.code).toBe('FORBIDDEN');

    const prod = await accessEntries('prod', 1);
    expect(prod.map(({ remoteAddress, ...e }) => ({ ...e, local: /127\.0\.0\.1$/.test(remoteAddress ?? '') }))).toEqual([
      { environment: 'prod', actor: 'the-viewer', action: 'access.ingestBatch', targetId: null, outcome: 'FORBIDDEN', local: true },
    ]);
    // Refused without a token before its body was read: audited as a request of no environment.
    expect((await accessEntries('*', 1)).map((e) => [e.actor, e.action, e.outcome])).toEqual([['anonymous', 'access.request', 'UNAUTHENTICATED']]);
    expect((await accessEntries('staging', 1)).map((e) => [e.actor, e.action, e.outcome])).toEqual([['the-viewer', 'access.trends', 'FORBIDDEN']]);
  });
});

describe('logs', () => {
  beforeAll(() => ensureBuilt(), 300_000);

  it('never print the password of an invalid MONGODB_URI', async () => {
    const run = promisify(execFile)(process.execPath, [SERVICE_MAIN], {
      env: { ...process.env, MONGODB_URI: 'mongo://admin:s3cret-Passw0rd@db.example:27017/vitals', JWT_SECRET: 'log-test-secret-0123456789' },
    });
    const failed = (await run.then(
      () => undefined,
      (error: unknown) => error,
    )) as { code: number; stdout: string; stderr: string };
    expect(failed.code).toBe(1);
    const output = failed.stdout + failed.stderr;
    expect(output).toContain('MONGODB_URI="mongo://admin:***@db.example:27017/vitals"');
    expect(output).not.toContain('s3cret-Passw0rd');
  });

  it('are JSON lines with request ids, without authorization headers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vitals-logs-'));
    const service = await ServiceProcess.start(
      {
        MONGODB_URI: process.env.VITALS_TEST_MONGODB_URI!,
        MONGODB_DB: `vitals_logs_${randomBytes(4).toString('hex')}`,
        DATA_DIR: dir,
        JWT_SECRET: 'log-test-secret-0123456789',
        LOG_LEVEL: 'debug',
      },
      join(dir, 'service.log'),
    );
    try {
      const token = 'Bearer not-a-valid-token-but-secret-looking';
      const response = await fetch(`${service.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: token, 'x-request-id': 'req-0123' },
        body: JSON.stringify({ query: '{ agents(environment: "prod") { totalCount } }' }),
      });
      expect(response.headers.get('x-request-id')).toBe('req-0123');
      const generated = (await fetch(`${service.url}/health/live`)).headers.get('x-request-id');
      expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await service.stop();
    }
    const lines = readFileSync(join(dir, 'service.log'), 'utf8').trim().split('\n');
    const entries = lines.map((line) => JSON.parse(line) as { msg?: string; req?: { id?: string; headers?: Record<string, string> } });
    const request = entries.find((e) => e.req?.id === 'req-0123');
    expect(request?.req?.headers?.authorization).toBe('[redacted]');
    expect(lines.join('\n')).not.toContain('secret-looking');
    rmSync(dir, { recursive: true, force: true });
  });
});
