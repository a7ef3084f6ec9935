import { getConnectionToken } from '@nestjs/mongoose';
import { sign } from 'jsonwebtoken';
import { Connection } from 'mongoose';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenRevocationService } from '../src/auth-admin/token-revocation.service';
import { SECRET_FILE } from '../src/common/auth/jwt-secret';
import { INTROSPECTION_MAX_DEPTH } from '../src/common/graphql/operation-limits';
import { healthTopic } from '../src/heartbeat/agent-state';
import { INGEST, TEST_SECRET, TestApp, waitFor } from './support/test-app';

const INTROSPECT = `{ __schema { queryType { name } } }`;
/** One level deeper than the standard introspection query needs. */
const DEEP_INTROSPECT = `{ __schema { types { fields { type { ${'ofType { '.repeat(INTROSPECTION_MAX_DEPTH - 3)}name${' }'.repeat(INTROSPECTION_MAX_DEPTH - 3)} } } } } }`;
const AGENTS = `query($environment: String!) { agents(environment: $environment) { totalCount } }`;
const HEALTH_SUB = `subscription($environment: String!) { agentHealthChanged(environment: $environment) { agentId } }`;
const REVOKE = `mutation($jti: ID, $subject: String, $reason: String!, $until: DateTime) {
  revokeToken(jti: $jti, subject: $subject, reason: $reason, until: $until) { id jti subject reason revokedBy until }
}`;
const UNREVOKE = `mutation($jti: ID, $subject: String) { unrevokeToken(jti: $jti, subject: $subject) }`;
const REVOKED = `{ revokedTokens { id reason } }`;
const AUDIT = `{ auditLog(environment: "*", action: "token.") { edges { node { actor action targetId } } } }`;

describe('no way in without a token, nothing past its role', () => {
  let t: TestApp;
  let viewer: string;
  let admin: string;
  beforeAll(async () => {
    t = await TestApp.start();
    viewer = t.token({ roles: ['viewer'], environments: ['prod'] });
    admin = t.token({ sub: 'root', roles: ['admin'], environments: ['*'] });
  });
  afterAll(() => t.stop());

  describe('introspection', () => {
    it('answers no one without a token, over HTTP before parsing (401)', async () => {
      const res = await t.graphql(INTROSPECT);
      expect(res.status).toBe(401);
      expect(res.errors?.[0]).toMatchObject({ message: 'A valid bearer token is required: No auth token', extensions: { code: 'UNAUTHENTICATED' } });
      expect(res.data).toBeUndefined();
      expect((await t.graphql('{ __typename', {})).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('answers a token holder, within the depth limit', async () => {
      expect((await t.graphql(INTROSPECT, {}, viewer)).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
      const res = await t.graphql(DEEP_INTROSPECT, {}, viewer);
      expect(res.errors?.[0]).toMatchObject({
        message: `'' exceeds maximum operation depth of ${INTROSPECTION_MAX_DEPTH}`,
        extensions: { code: 'BAD_USER_INPUT' },
      });
    });

    it('is refused on both transports when GRAPHQL_INTROSPECTION=false', async () => {
      const closed = await TestApp.start({ GRAPHQL_INTROSPECTION: 'false' });
      try {
        const token = closed.token({ roles: ['admin'], environments: ['*'] });
        const http = await closed.graphql(INTROSPECT, {}, token);
        expect(http.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', reason: 'GRAPHQL_VALIDATION_FAILED' } });
        expect(http.errors?.[0].message).toMatch(/introspection/i);
        const ws = await closed.subscribe(`subscription { __schema { queryType { name } } }`, {}, token).next();
        expect(ws.errors?.[0].message).toMatch(/introspection/i);
        expect((await closed.graphql('{ __typename }', {}, token)).data).toEqual({ __typename: 'Query' });
      } finally {
        await closed.stop();
      }
    });
  });

  describe('token claims', () => {
    it('refuses a token without exp, with a message that says so', async () => {
      const forever = sign({ sub: 'u', roles: ['viewer'], environments: ['prod'] }, TEST_SECRET, { algorithm: 'HS256' });
      const res = await t.graphql(AGENTS, { environment: 'prod' }, forever);
      expect(res.errors?.[0]).toMatchObject({
        message: 'Invalid token: token has no "exp" claim: every token must expire',
        extensions: { code: 'UNAUTHENTICATED' },
      });
    });

    it('without JWT_SECRET, accepts no token signed with the development secret once committed, only the one generated in DATA_DIR', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'vitals-auth-'));
      const unset = await TestApp.start({ JWT_SECRET: '', DATA_DIR: dataDir });
      try {
        const claims = { sub: 'intruder', roles: ['admin'], environments: ['*'] };
        const committed = sign(claims, 'vitals-development-secret-change-me', { algorithm: 'HS256', expiresIn: '1h' });
        expect((await unset.graphql(AGENTS, { environment: 'prod' }, committed)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
        const generated = readFileSync(join(dataDir, SECRET_FILE), 'utf8').trim();
        const minted = sign(claims, generated, { algorithm: 'HS256', expiresIn: '1h' });
        expect((await unset.graphql(AGENTS, { environment: 'prod' }, minted)).errors).toBeUndefined();
      } finally {
        await unset.stop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });

    it('refuses user tokens that live longer than TOKEN_MAX_LIFETIME_HOURS, not agent-only ones', async () => {
      const long = (roles: string[]) => sign({ sub: 'u', roles, environments: ['prod'] }, TEST_SECRET, { algorithm: 'HS256', expiresIn: '48h' });
      const res = await t.graphql(AGENTS, { environment: 'prod' }, long(['viewer']));
      expect(res.errors?.[0].message).toBe('Invalid token: token lives 48 h, longer than the 24 h allowed for user tokens');
      const ingest = await t.graphql(INGEST, { batch: { environment: 'prod', heartbeats: [{ agentId: 'long-lived' }] } }, long(['agent']));
      expect(ingest.errors).toBeUndefined();
    });
  });

  describe('revocation', () => {
    it('refuses a revoked token at once on this instance, closes its open socket with 4401, lists and audits it', async () => {
      const victim = t.token({ sub: 'mallory', roles: ['viewer'], environments: ['prod'], jti: 'stolen-1' });
      const bystander = t.token({ sub: 'mallory', roles: ['viewer'], environments: ['prod'], jti: 'fine-1' });
      let closedWith: number | undefined;
      const socket = t.socket(victim, (code) => (closedWith = code));
      socket.subscribe({ query: HEALTH_SUB, variables: { environment: 'prod' } }, { next: () => {}, error: () => {}, complete: () => {} });
      await t.listening(healthTopic('prod'));

      const revoked = await t.graphql(REVOKE, { jti: 'stolen-1', reason: 'leaked in a log' }, admin);
      expect(revoked.data?.revokeToken).toEqual({
        id: 'jti:stolen-1',
        jti: 'stolen-1',
        subject: null,
        reason: 'leaked in a log',
        revokedBy: 'root',
        until: null,
      });
      const refused = await t.graphql(AGENTS, { environment: 'prod' }, victim);
      expect(refused.errors?.[0]).toMatchObject({
        message: 'Invalid token: token revoked',
        extensions: { code: 'UNAUTHENTICATED' },
      });
      await waitFor(() => closedWith !== undefined, 'the socket to close');
      expect(closedWith).toBe(4401);
      expect((await t.graphql(AGENTS, { environment: 'prod' }, bystander)).errors).toBeUndefined();

      expect((await t.graphql(REVOKED, {}, admin)).data).toEqual({ revokedTokens: [{ id: 'jti:stolen-1', reason: 'leaked in a log' }] });
      expect((await t.graphql(UNREVOKE, { jti: 'stolen-1' }, admin)).data).toEqual({ unrevokeToken: true });
      expect((await t.graphql(AGENTS, { environment: 'prod' }, victim)).errors).toBeUndefined();
      expect((await t.graphql(UNREVOKE, { jti: 'stolen-1' }, admin)).data).toEqual({ unrevokeToken: false });
      const audit = await t.graphql<{ auditLog: { edges: { node: object }[] } }>(AUDIT, {}, admin);
      // Both at the same ManualClock time, so in either order.
      expect(audit.data?.auditLog.edges.map((e) => e.node)).toEqual(
        expect.arrayContaining([
          { actor: 'root', action: 'token.revoke', targetId: 'jti:stolen-1' },
          { actor: 'root', action: 'token.unrevoke', targetId: 'jti:stolen-1' },
        ]),
      );
      expect(audit.data?.auditLog.edges).toHaveLength(2);
    });

    it('revokes every token of a subject until a time, and says which argument is wrong', async () => {
      const token = t.token({ sub: 'leaver', roles: ['viewer'], environments: ['prod'] });
      const until = new Date(Date.now() + 3_600_000).toISOString();
      expect((await t.graphql(REVOKE, { subject: 'leaver', reason: 'left the team', until }, admin)).errors).toBeUndefined();
      expect((await t.graphql(AGENTS, { environment: 'prod' }, token)).errors?.[0].message).toBe('Invalid token: tokens of this subject revoked');
      const both = await t.graphql(REVOKE, { jti: 'j', subject: 's', reason: 'r' }, admin);
      expect(both.errors?.[0]).toMatchObject({ message: 'give exactly one of jti and subject', extensions: { code: 'BAD_USER_INPUT', argumentPath: 'jti' } });
      const past = await t.graphql(REVOKE, { subject: 's', reason: 'r', until: '2000-01-01T00:00:00Z' }, admin);
      expect(past.errors?.[0]).toMatchObject({ message: 'until must be in the future', extensions: { argumentPath: 'until' } });
      await t.graphql(UNREVOKE, { subject: 'leaver' }, admin);
    });

    it('reaches another instance on the same database within TOKEN_REVOCATION_REFRESH_SECONDS', async () => {
      const other = await TestApp.start({ MONGODB_DB: t.database, TOKEN_REVOCATION_REFRESH_SECONDS: '1' });
      try {
        const token = t.token({ sub: 'eve', roles: ['viewer'], environments: ['prod'], jti: 'elsewhere-1' });
        expect((await other.graphql(AGENTS, { environment: 'prod' }, token)).errors).toBeUndefined();
        await t.graphql(REVOKE, { jti: 'elsewhere-1', reason: 'test' }, admin);
        const started = Date.now();
        let refused = false;
        while (!refused && Date.now() - started < 5_000) refused = (await other.graphql(AGENTS, { environment: 'prod' }, token)).errors !== undefined;
        expect(refused).toBe(true);
        expect(Date.now() - started).toBeLessThan(2_500);
        // The refresh that lifts it, without waiting for the timer.
        await t.graphql(UNREVOKE, { jti: 'elsewhere-1' }, admin);
        await other.get(TokenRevocationService).refresh();
        expect((await other.graphql(AGENTS, { environment: 'prod' }, token)).errors).toBeUndefined();
      } finally {
        await other.stop({ keepDatabase: true });
      }
    });
  });

  describe('idempotency keys are scoped by token subject', () => {
    const sample = (agentId: string) => ({ environment: 'prod', batchId: 'shared-batch', samples: [{ agentId, metric: 'm', value: 1 }] });
    const APOLLO_INGEST = `mutation($batch: TelemetryBatchInput!) { ingestBatch(batch: $batch) { ...R } } fragment R on IngestResult { batchId acceptedSamples duplicate }`;

    it.each([
      ['the fast path', INGEST, 'fast'],
      ['Apollo', APOLLO_INGEST, 'apollo'],
    ])("applies two agents' batches with the same batchId, over %s", async (_, document, suffix) => {
      type Result = { ingestBatch: { batchId: string; acceptedSamples: number; duplicate: boolean } };
      const one = t.token({ sub: `agent-1-${suffix}`, roles: ['agent'], environments: ['prod'], agentIds: [`host-1-${suffix}`] });
      const two = t.token({ sub: `agent-2-${suffix}`, roles: ['agent'], environments: ['prod'], agentIds: [`host-2-${suffix}`] });
      const first = await t.graphql<Result>(document, { batch: sample(`host-1-${suffix}`) }, one);
      const second = await t.graphql<Result>(document, { batch: sample(`host-2-${suffix}`) }, two);
      expect(first.data?.ingestBatch).toMatchObject({ batchId: 'shared-batch', acceptedSamples: 1, duplicate: false });
      expect(second.data?.ingestBatch).toMatchObject({ batchId: 'shared-batch', acceptedSamples: 1, duplicate: false });
      const retry = await t.graphql<Result>(document, { batch: sample(`host-2-${suffix}`) }, two);
      expect(retry.data?.ingestBatch).toMatchObject({ batchId: 'shared-batch', acceptedSamples: 1, duplicate: true });
    });
  });

  describe('HTTP routes', () => {
    it('keeps /health/live and /health/ready open, and tells why not ready only to token holders', async () => {
      expect((await fetch(`${t.url}/health/live`)).status).toBe(200);
      expect(await (await fetch(`${t.url}/health/ready`)).json()).toEqual({ status: 'ok', database: 'up' });
      const db = t.app.get<Connection>(getConnectionToken()).db!;
      const ping = jest.spyOn(db, 'admin').mockReturnValue({ ping: () => Promise.reject(new Error('connect ECONNREFUSED db.internal:27017')) } as never);
      try {
        const anonymous = await fetch(`${t.url}/health/ready`);
        expect(anonymous.status).toBe(503);
        expect(await anonymous.json()).toEqual({ status: 'unavailable', database: 'down' });
        const withToken = await fetch(`${t.url}/health/ready`, { headers: { authorization: `Bearer ${t.token({ roles: ['agent'], environments: ['x'] })}` } });
        expect(await withToken.json()).toEqual({ status: 'unavailable', database: 'down', reason: 'connect ECONNREFUSED db.internal:27017' });
      } finally {
        ping.mockRestore();
      }
    });
  });
});
