import { buildClientSchema, getIntrospectionQuery, lexicographicSortSchema, printSchema } from 'graphql';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseServer } from '../src/storage/database-server';
import { INGEST, TestApp } from './support/test-app';

describe('the service on its embedded database', () => {
  let t: TestApp;

  beforeAll(async () => {
    // No MONGODB_URI: the service starts (and owns) an embedded FerretDB under DATA_DIR.
    t = await TestApp.start({ MONGODB_URI: '', DATA_DIR: mkdtempSync(join(tmpdir(), 'vitals-embedded-')) });
  });
  afterAll(() => t.stop());

  it('is live and ready', async () => {
    expect(await (await fetch(`${t.url}/health/live`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${t.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', database: 'up' });
  });

  it('serves exactly the schema committed in schema.gql', async () => {
    const token = t.token({ roles: ['viewer'], environments: ['*'] });
    const res = await t.graphql<never>(getIntrospectionQuery({ specifiedByUrl: true }), {}, token);
    const served = printSchema(lexicographicSortSchema(buildClientSchema(res.data as never))) + '\n';
    expect(served).toBe(readFileSync(join(__dirname, '..', 'schema.gql'), 'utf8'));
  });

  it('stops being ready and refuses ingestion with UNAVAILABLE while the database is down', async () => {
    await t.get(DatabaseServer).onApplicationShutdown();
    const ready = await fetch(`${t.url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'unavailable', database: 'down' });

    const token = t.token({ roles: ['agent'], environments: ['prod'] });
    const res = await t.graphql(INGEST, { batch: { environment: 'prod', batchId: 'while-down', samples: [{ agentId: 'a', metric: 'm', value: 1 }] } }, token);
    expect(res.errors?.[0].extensions?.code).toBe('UNAVAILABLE');
    expect(res.errors?.[0].message).toMatch(/Retry the batch with the same batchId/);
  });
});
