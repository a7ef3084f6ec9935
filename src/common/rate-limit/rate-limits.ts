import { Injectable } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { Principal, Role, ROLES } from '../auth/principal';
import { AppConfig } from '../config/app-config';
import { RateLimited } from './rate-limit.errors';

type Limited = Role | 'anonymous';

/**
 * Request rate limits: per token subject with the limit of its most generous role, and per
 * client IP for requests without a valid token (RATE_LIMIT_<ROLE>_PER_SECOND / _BURST).
 * A limit is a fixed window of BURST requests per BURST / PER_SECOND seconds. In memory
 * (rate-limiter-flexible's RateLimiterMemory): a consume is a map update, where a limiter in
 * MongoDB would add a database round trip to every ingest; so each instance counts its own.
 */
@Injectable()
export class RateLimits {
  private readonly limiters = new Map<Limited, { limiter: RateLimiterMemory; perSecond: number }>();

  constructor(config: AppConfig) {
    for (const role of [...ROLES, 'anonymous'] as const) {
      const name = role.toUpperCase() as Uppercase<Limited>;
      const perSecond = config[`RATE_LIMIT_${name}_PER_SECOND`];
      const burst = config[`RATE_LIMIT_${name}_BURST`];
      if (perSecond > 0)
        this.limiters.set(role, { limiter: new RateLimiterMemory({ keyPrefix: role, points: burst, duration: burst / perSecond }), perSecond });
    }
  }

  /** Counts one request of `principal` (or of `ip` when there is no valid token); throws RateLimited past the limit. */
  async consume(principal: Principal | undefined, ip: string | undefined): Promise<void> {
    const role = principal === undefined ? 'anonymous' : this.roleOf(principal);
    const limit = role === undefined ? undefined : this.limiters.get(role);
    if (limit === undefined) return;
    try {
      await limit.limiter.consume(principal?.subject ?? ip ?? 'unknown');
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      throw new RateLimited(Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)));
    }
  }

  /** The role whose limit applies: the most generous of the token's roles (undefined: one of them is unlimited). */
  private roleOf(principal: Principal): Role | undefined {
    let best: Role | undefined;
    for (const role of principal.claims.roles) {
      const limit = this.limiters.get(role);
      if (limit === undefined) return undefined;
      if (best === undefined || limit.perSecond > this.limiters.get(best)!.perSecond) best = role;
    }
    return best;
  }
}
