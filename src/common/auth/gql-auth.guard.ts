import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlContextType, GqlExecutionContext } from '@nestjs/graphql';
import type { Request } from 'express';
import { Forbidden, Unauthenticated } from './auth.errors';
import { GqlContext } from './gql-context';
import { Permission, Principal } from './principal';
import { PERMISSION_KEY, PUBLIC_KEY } from './requires.decorator';
import { TokenVerifier } from './token-verifier';

/**
 * Global guard. GraphQL operations: authenticates the bearer token (from the HTTP header,
 * or from connectionParams mapped into the context for WebSocket subscriptions), puts the
 * caller on req.user, then checks the operation's permission and the environment it names
 * against the token's claims. HTTP routes: open only when marked @Public(); every other route
 * needs a valid token (401), and the permission of its @Requires when it has one (403).
 */
@Injectable()
export class GqlAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType<GqlContextType>() === 'http') return this.canActivateRoute(context);
    if (context.getType<GqlContextType>() !== 'graphql') return true;
    const gql = GqlExecutionContext.create(context);
    const request = gql.getContext<GqlContext>().req;
    const principal = this.verifier.principal(request.headers.authorization);
    request.user = principal;

    const permission = this.reflector.get<Permission | undefined>(PERMISSION_KEY, context.getHandler());
    if (permission === undefined) throw new Forbidden('This operation is not open to any role');
    if (!principal.has(permission)) {
      throw new Forbidden(`Role(s) ${principal.claims.roles.join(', ')} may not perform this operation`);
    }
    // An operation that names no environment (e.g. revokeToken) concerns all of them: only a "*" token holds that.
    const environment = environmentOf(gql.getArgs()) ?? '*';
    if (!principal.canAccessEnvironment(environment)) {
      throw new Forbidden(
        environment === '*'
          ? 'This operation concerns every environment: it needs a token for "*"'
          : `Token does not grant access to environment "${environment}"`,
      );
    }
    return true;
  }

  private canActivateRoute(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<Request & { user?: Principal }>();
    let principal: Principal;
    try {
      principal = this.verifier.principal(request.headers.authorization);
    } catch (error) {
      if (error instanceof Unauthenticated) throw new UnauthorizedException({ statusCode: 401, code: error.code, message: error.message });
      throw error;
    }
    request.user = principal;
    const permission = this.reflector.get<Permission | undefined>(PERMISSION_KEY, context.getHandler());
    if (permission !== undefined && !principal.has(permission)) {
      throw new ForbiddenException({ statusCode: 403, code: 'FORBIDDEN', message: `Role(s) ${principal.claims.roles.join(', ')} may not call this route` });
    }
    return true;
  }
}

function environmentOf(args: Record<string, unknown>): string | undefined {
  if (typeof args.environment === 'string') return args.environment;
  const batch = args.batch as { environment?: unknown } | undefined;
  return typeof batch?.environment === 'string' ? batch.environment : undefined;
}
