import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { GqlContext } from './gql-context';
import { Principal } from './principal';

/** The authenticated caller of the current GraphQL operation. */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): Principal => GqlExecutionContext.create(context).getContext<GqlContext>().req.user as Principal,
);
