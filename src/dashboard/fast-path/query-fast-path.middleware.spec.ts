import type { ModuleRef } from '@nestjs/core';
import type { Request, Response } from 'express';
import { sign } from 'jsonwebtoken';
import type { LRUCache } from 'lru-cache';
import { TokenVerifier } from '../../common/auth/token-verifier';
import { loadConfig } from '../../common/config/app-config';
import type { TrendsService } from '../trends/trends.service';
import { QueryFastPathMiddleware } from './query-fast-path.middleware';

const SECRET = 'a-test-secret-of-some-length';

describe('QueryFastPathMiddleware', () => {
  it('checks the token before it parses or remembers the query text', () => {
    const moduleRef = { get: jest.fn() };
    const middleware = new QueryFastPathMiddleware(
      new TokenVerifier({ secret: SECRET, maxLifetimeHours: 24 }),
      {} as TrendsService,
      loadConfig({}),
      moduleRef as unknown as ModuleRef,
    );
    const agent = sign({ sub: 'a', roles: ['agent'], environments: ['*'] }, SECRET, { expiresIn: '1h' });
    for (const authorization of [undefined, 'Bearer forged', `Bearer ${agent}`]) {
      const next = jest.fn();
      const query = `{ trends(environment: "e", metric: "m", from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z") { metric } }`;
      middleware.use({ headers: { authorization }, body: { query } } as unknown as Request, {} as Response, next);
      expect(next).toHaveBeenCalled();
    }
    expect((middleware as unknown as { known: LRUCache<string, object> }).known.size).toBe(0);
    expect(moduleRef.get).not.toHaveBeenCalled();
  });
});
