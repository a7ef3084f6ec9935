import { Context } from 'graphql-ws';
import type { WebSocket } from 'ws';
import { Unauthenticated } from './auth.errors';
import { Principal } from './principal';
import { bearerToken, TokenVerifier } from './token-verifier';

/** Close codes of API.md for sockets without a usable token. */
export const CLOSE_UNAUTHORIZED = 4401;

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The authenticated graphql-ws sockets and their callers. A socket is closed with 4401 at its
 * token's `exp`, and whenever the revocation list changes (a revocation on this instance, or a
 * refresh from the database) every socket whose token the verifier no longer admits.
 */
export class OpenSockets {
  private readonly sockets = new Map<WebSocket, Principal>();

  constructor(private readonly verifier: TokenVerifier) {
    verifier.revoked.onChange(() => this.closeRefused());
  }

  /** Watches an admitted socket, and closes it with 4401 when its token expires (a timer at `exp`). */
  add(socket: WebSocket, principal: Principal): void {
    this.sockets.set(socket, principal);
    let timer: NodeJS.Timeout | undefined;
    const expire = () => {
      const exp = principal.claims.exp;
      if (exp === undefined || !this.sockets.has(socket)) return;
      const left = exp * 1000 - Date.now();
      // setTimeout holds at most 2^31 - 1 ms (24.8 days); a longer-lived agent token re-arms.
      if (left > 0) timer = setTimeout(expire, Math.min(left, MAX_TIMER_MS));
      else this.close(socket, 'jwt expired');
    };
    expire();
    timer?.unref();
    socket.once('close', () => {
      clearTimeout(timer);
      this.sockets.delete(socket);
    });
  }

  get size(): number {
    return this.sockets.size;
  }

  closeRefused(now = Date.now()): void {
    for (const [socket, principal] of this.sockets) {
      const reason = this.verifier.refusal(principal, now);
      if (reason !== undefined) this.close(socket, reason);
    }
  }

  private close(socket: WebSocket, reason: string): void {
    this.sockets.delete(socket);
    socket.close(CLOSE_UNAUTHORIZED, `Unauthorized: ${reason}`);
  }
}

/**
 * graphql-ws onConnect: a socket whose connectionParams carry no valid bearer
 * token is closed with 4401 before any subscription is served; an admitted one is
 * watched by `sockets`. Per-operation permissions and environments are then checked
 * by GqlAuthGuard.
 */
export function authenticateConnection(verifier: TokenVerifier, sockets: OpenSockets) {
  return (ctx: Context<Record<string, unknown> | undefined, unknown>) => {
    const socket = (ctx.extra as { socket?: WebSocket }).socket;
    const admitted = admit(authorizationOf(ctx.connectionParams), verifier);
    if (admitted instanceof Principal) {
      if (socket !== undefined) sockets.add(socket, admitted);
      return true;
    }
    socket?.close(CLOSE_UNAUTHORIZED, `Unauthorized: ${admitted}`);
    return false;
  };
}

/** The caller, or the reason the socket is refused. */
function admit(authorization: unknown, verifier: TokenVerifier): Principal | string {
  const token = bearerToken(authorization);
  if (token === undefined) return 'connectionParams.authorization must be "Bearer <JWT>"';
  try {
    return verifier.verify(token);
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
