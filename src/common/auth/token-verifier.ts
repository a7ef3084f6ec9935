import { createSecretKey, KeyObject } from 'node:crypto';
import { verify, VerifyOptions } from 'jsonwebtoken';
import type { AppConfig } from '../config/app-config';
import { Unauthenticated } from './auth.errors';
import { parseClaims, Principal } from './principal';

export const JWT_ALGORITHMS = ['HS256'] as const;

const VERIFY_OPTIONS: VerifyOptions = { algorithms: [...JWT_ALGORITHMS] };

/** "<scheme> <token>", read as passport-jwt read HTTP headers before: any whitespace, the first word after the scheme. */
const AUTHORIZATION = /(\S+)\s+(\S+)/;

/** The token of an `Authorization: Bearer <JWT>` value (scheme in any case), or undefined when there is none. */
export function bearerToken(authorization: unknown): string | undefined {
  if (typeof authorization !== 'string') return undefined;
  const match = AUTHORIZATION.exec(authorization);
  return match !== null && match[1].toLowerCase() === 'bearer' ? match[2] : undefined;
}

/**
 * The one check of bearer tokens (HS256 with JWT_SECRET, expiry enforced, claims well-formed),
 * for the GraphQL guard, the WebSocket handshake and the ingest fast path.
 */
export class TokenVerifier {
  /** Derived once: given the secret as a string, jsonwebtoken would derive a key object for every token. */
  private readonly key: KeyObject;

  constructor(config: Pick<AppConfig, 'jwtSecret'>) {
    this.key = createSecretKey(Buffer.from(config.jwtSecret, 'utf8'));
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
      payload = verify(token, this.key, VERIFY_OPTIONS);
    } catch (error) {
      const reason = (error as Error).message;
      throw new Unauthenticated(`A valid bearer token is required: ${reason}`, reason);
    }
    const claims = parseClaims(payload);
    if (typeof claims === 'string') throw new Unauthenticated(`Invalid token: ${claims}`, claims);
    return new Principal(claims);
  }
}
