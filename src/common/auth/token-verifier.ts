import { createSecretKey, KeyObject } from 'node:crypto';
import { verify, VerifyOptions } from 'jsonwebtoken';
import type { AppConfig } from '../config/app-config';
import { Unauthenticated } from './auth.errors';
import { parseClaims, Principal } from './principal';
import { RevokedTokens } from './revoked-tokens';

export const JWT_ALGORITHMS = ['HS256'] as const;

/** "<scheme> <token>", read as passport-jwt read HTTP headers before: any whitespace, the first word after the scheme. */
const AUTHORIZATION = /(\S+)\s+(\S+)/;

/** The token of an `Authorization: Bearer <JWT>` value (scheme in any case), or undefined when there is none. */
export function bearerToken(authorization: unknown): string | undefined {
  if (typeof authorization !== 'string') return undefined;
  const match = AUTHORIZATION.exec(authorization);
  return match !== null && match[1].toLowerCase() === 'bearer' ? match[2] : undefined;
}

/** What tokens are checked against. */
export interface VerifierSettings {
  secret: string;
  /** When set, tokens must carry this `iss` / `aud`. */
  issuer?: string;
  audience?: string;
  /** Longest `exp` - `iat` of a token with any role but `agent`. */
  maxLifetimeHours: number;
}

export function verifierSettings(config: AppConfig, secret: string): VerifierSettings {
  return { secret, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, maxLifetimeHours: config.TOKEN_MAX_LIFETIME_HOURS };
}

/**
 * The one check of bearer tokens, for the GraphQL guard, the HTTP routes, the WebSocket
 * handshake and the fast paths: HS256 with the service's secret, `exp` required and enforced,
 * at most TOKEN_MAX_LIFETIME_HOURS long unless agent-only, `iss`/`aud` when configured, claims
 * well-formed, and not revoked. Times are wall-clock, as jsonwebtoken's are.
 */
export class TokenVerifier {
  /** Derived once: given the secret as a string, jsonwebtoken would derive a key object for every token. */
  private readonly key: KeyObject;
  private readonly options: VerifyOptions;
  private readonly maxLifetimeSeconds: number;

  constructor(
    settings: VerifierSettings,
    readonly revoked = new RevokedTokens(),
  ) {
    this.key = createSecretKey(Buffer.from(settings.secret, 'utf8'));
    this.options = { algorithms: [...JWT_ALGORITHMS], issuer: settings.issuer, audience: settings.audience };
    this.maxLifetimeSeconds = settings.maxLifetimeHours * 3600;
  }

  /** The caller an Authorization header value names; throws Unauthenticated. */
  principal(authorization: unknown): Principal {
    const token = bearerToken(authorization);
    if (token === undefined) throw new Unauthenticated('A valid bearer token is required: No auth token', 'No auth token');
    return this.verify(token);
  }

  /** The caller a bare token names; throws Unauthenticated. */
  verify(token: string): Principal {
    let payload: unknown;
    try {
      payload = verify(token, this.key, this.options);
    } catch (error) {
      const reason = (error as Error).message;
      throw new Unauthenticated(`A valid bearer token is required: ${reason}`, reason);
    }
    const claims = parseClaims(payload);
    if (typeof claims === 'string') throw new Unauthenticated(`Invalid token: ${claims}`, claims);
    const principal = new Principal(claims);
    const refusal = this.refusal(principal, Date.now());
    if (refusal !== undefined) throw new Unauthenticated(`Invalid token: ${refusal}`, refusal);
    return principal;
  }

  /** Why a verified caller is no longer (or never was) admitted at `now`: no or past `exp`, too long a lifetime, revoked. */
  refusal(principal: Principal, now: number): string | undefined {
    const { exp, iat } = principal.claims;
    if (exp === undefined) return 'token has no "exp" claim: every token must expire';
    if (exp * 1000 <= now) return 'jwt expired';
    const lifetime = exp - Math.min(iat ?? Infinity, now / 1000);
    if (!principal.agentOnly && lifetime > this.maxLifetimeSeconds) {
      return `token lives ${Math.round(lifetime / 3600)} h, longer than the ${this.maxLifetimeSeconds / 3600} h allowed for user tokens`;
    }
    return this.revoked.refusal(principal.claims, now);
  }
}
