import { Context } from 'graphql-ws';
import type { WebSocket } from 'ws';
import { Unauthenticated } from './auth.errors';
import { bearerToken, TokenVerifier } from './token-verifier';

/** Close codes of API.md for sockets without a usable token. */
export const CLOSE_UNAUTHORIZED = 4401;

/**
 * graphql-ws onConnect: a socket whose connectionParams carry no valid bearer
 * token is closed with 4401 before any subscription is served. Per-operation
 * permissions and environments are then checked by GqlAuthGuard.
 */
export function authenticateConnection(verifier: TokenVerifier) {
  return (ctx: Context<Record<string, unknown> | undefined, unknown>) => {
    const reason = connectionAuthError(authorizationOf(ctx.connectionParams), verifier);
    if (reason === undefined) return true;
    (ctx.extra as { socket?: WebSocket }).socket?.close(CLOSE_UNAUTHORIZED, `Unauthorized: ${reason}`);
    return false;
  };
}

function connectionAuthError(authorization: unknown, verifier: TokenVerifier): string | undefined {
  const token = bearerToken(authorization);
  if (token === undefined) return 'connectionParams.authorization must be "Bearer <JWT>"';
  try {
    verifier.verify(token);
    return undefined;
  } catch (error) {
    if (error instanceof Unauthenticated) return error.reason;
    throw error;
  }
}

/** Maps a subscription's connectionParams to the request shape the HTTP guard reads. */
export function requestFromConnection(params: Record<string, unknown> | undefined) {
  const authorization = authorizationOf(params);
  return { headers: { authorization: typeof authorization === 'string' ? authorization : undefined } };
}

const authorizationOf = (params: Record<string, unknown> | undefined): unknown => params?.authorization ?? params?.Authorization;
