import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GraphQLError } from 'graphql';
import { GqlContextType, GqlExecutionContext } from '@nestjs/graphql';
import { AuthGuard } from '@nestjs/passport';
import { forbidden, unauthenticated } from '../graphql/errors';
import { Permission, Principal } from './principal';
import { PERMISSION_KEY } from './requires.decorator';

/**
 * Global guard for GraphQL operations: authenticates the bearer token with
 * passport-jwt (from the HTTP header, or from connectionParams mapped into the
 * context for WebSocket subscriptions), then checks the operation's permission
 * and the environment it names against the token's claims.
 */
@Injectable()
export class GqlAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType<GqlContextType>() !== 'graphql') return true;
    await super.canActivate(context);

    const gql = GqlExecutionContext.create(context);
    const principal: Principal = gql.getContext().req.user;
    const permission = this.reflector.get<Permission | undefined>(PERMISSION_KEY, context.getHandler());
    if (permission === undefined) throw forbidden('This operation is not open to any role');
    if (!principal.has(permission)) {
      throw forbidden(`Role(s) ${principal.claims.roles.join(', ')} may not perform this operation`);
    }
    const environment = environmentOf(gql.getArgs());
    if (environment !== undefined && !principal.canAccessEnvironment(environment)) {
      throw forbidden(`Token does not grant access to environment "${environment}"`);
    }
    return true;
  }

  override getRequest(context: ExecutionContext) {
    return GqlExecutionContext.create(context).getContext().req;
  }

  override handleRequest<T>(error: unknown, principal: T | false, info: unknown): T {
    if (error instanceof GraphQLError) throw error;
    if (error instanceof Error) throw unauthenticated(error.message);
    if (!principal) {
      const reason = info instanceof Error ? `: ${info.message}` : '';
      throw unauthenticated(`A valid bearer token is required${reason}`);
    }
    return principal;
  }
}

function environmentOf(args: Record<string, unknown>): string | undefined {
  if (typeof args.environment === 'string') return args.environment;
  const batch = args.batch as { environment?: unknown } | undefined;
  return typeof batch?.environment === 'string' ? batch.environment : undefined;
}
