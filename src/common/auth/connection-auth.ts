import { Context } from 'graphql-ws';
import { verify } from 'jsonwebtoken';
import type { WebSocket } from 'ws';
import { AppConfig } from '../config/app-config';
import { JWT_ALGORITHMS } from './jwt.strategy';
import { parseClaims } from './principal';

/** Close codes of API.md for sockets without a usable token. */
export const CLOSE_UNAUTHORIZED = 4401;

/**
 * graphql-ws onConnect: a socket whose connectionParams carry no valid bearer
 * token is closed with 4401 before any subscription is served. Per-operation
 * permissions and environments are then checked by GqlAuthGuard.
 */
export function authenticateConnection(config: AppConfig) {
  return (ctx: Context<Record<string, unknown> | undefined, unknown>) => {
    const reason = connectionAuthError(ctx.connectionParams, config.jwtSecret);
    if (reason === undefined) return true;
    (ctx.extra as { socket?: WebSocket }).socket?.close(CLOSE_UNAUTHORIZED, `Unauthorized: ${reason}`);
    return false;
  };
}

function connectionAuthError(params: Record<string, unknown> | undefined, secret: string): string | undefined {
  const header = params?.authorization ?? params?.Authorization;
  if (typeof header !== 'string' || !header.startsWith('Bearer ')) return 'connectionParams.authorization must be "Bearer <JWT>"';
  try {
    const claims = parseClaims(verify(header.slice('Bearer '.length), secret, { algorithms: [...JWT_ALGORITHMS] }));
    return typeof claims === 'string' ? claims : undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Maps a subscription's connectionParams to the request shape the HTTP guard reads. */
export function requestFromConnection(params: Record<string, unknown> | undefined) {
  const authorization = params?.authorization ?? params?.Authorization;
  return { headers: { authorization: typeof authorization === 'string' ? authorization : undefined } };
}
