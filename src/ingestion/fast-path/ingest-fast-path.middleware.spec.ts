import { sign } from 'jsonwebtoken';
import type { Request, Response } from 'express';
import { TokenVerifier } from '../../common/auth/token-verifier';
import type { IngestionService } from '../ingestion.service';
import { IngestFastPathMiddleware } from './ingest-fast-path.middleware';
import type { IngestOperationMatcher } from './ingest-operation';

const SECRET = 'a-test-secret-of-some-length';
const QUERY = 'mutation($b: TelemetryBatchInput!) { ingestBatch(batch: $b) { duplicate } }';

describe('IngestFastPathMiddleware', () => {
  const ingestion = { ingest: jest.fn(() => Promise.resolve({ duplicate: false })) };
  const middleware = new IngestFastPathMiddleware(new TokenVerifier({ secret: SECRET, maxLifetimeHours: 24 }), ingestion as unknown as IngestionService);
  const cachedBytes = () => (middleware as unknown as { matcher: IngestOperationMatcher }).matcher.cachedBytes;
  const request = (authorization: string | undefined, query: string) =>
    ({ headers: { authorization }, body: { query, variables: { b: { environment: 'prod' } } } }) as unknown as Request;
  const response = () => ({ json: jest.fn() }) as unknown as Response & { json: jest.Mock };

  it('checks the token before it parses or remembers the query text', () => {
    for (const authorization of [
      undefined,
      'Bearer forged',
      `Bearer ${sign({ sub: 'v', roles: ['viewer'], environments: ['*'] }, SECRET, { expiresIn: '1h' })}`,
    ]) {
      const next = jest.fn();
      middleware.use(request(authorization, `${QUERY} # ${'x'.repeat(1000)}`), response(), next);
      expect(next).toHaveBeenCalled();
    }
    expect(cachedBytes()).toBe(0);
    expect(ingestion.ingest).not.toHaveBeenCalled();
  });

  it('answers a plain ingestBatch of an agent token', async () => {
    const res = response();
    const token = sign({ sub: 'a', roles: ['agent'], environments: ['prod'] }, SECRET, { expiresIn: '1h' });
    middleware.use(request(`Bearer ${token}`, QUERY), res, () => {
      throw new Error('fell through');
    });
    await new Promise(setImmediate);
    expect(res.json).toHaveBeenCalledWith({ data: { ingestBatch: { duplicate: false } } });
    expect(cachedBytes()).toBeGreaterThan(0);
  });
});
