import type { NextFunction, Request, Response } from 'express';
import { TokenVerifier } from '../auth/token-verifier';
import { Principal } from '../auth/principal';
import { RateLimited } from './rate-limit.errors';
import { RateLimits } from './rate-limits';

/**
 * Rate limits of GraphQL over HTTP, in front of everything that answers it (Apollo and the
 * ingest and read fast paths) and of body parsing, so a refused request costs no parse:
 * HTTP 429 with `Retry-After` and a GraphQL error RATE_LIMITED with extensions.retryAfterSeconds.
 */
export function rateLimitMiddleware(limits: RateLimits, verifier: TokenVerifier) {
  return (req: Request, res: Response, next: NextFunction): void => {
    limits.consume(principalOf(verifier, req.headers.authorization), req.socket.remoteAddress).then(
      () => next(),
      (error: unknown) => {
        if (!(error instanceof RateLimited)) return next(error);
        res.status(429).setHeader('retry-after', String(error.retryAfterSeconds));
        res.json({ errors: [{ message: error.message, extensions: { code: error.code, ...error.extensions } }] });
      },
    );
  };
}

/** The caller of a valid token; undefined otherwise (limited by IP, and refused later by the guard). */
export function principalOf(verifier: TokenVerifier, authorization: unknown): Principal | undefined {
  try {
    return verifier.principal(authorization);
  } catch {
    return undefined;
  }
}
