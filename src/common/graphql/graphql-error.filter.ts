import { Catch } from '@nestjs/common';
import { GqlExceptionFilter } from '@nestjs/graphql';
import { GraphQLError } from 'graphql';
import { DomainError } from '../errors/domain-error';

/** The one mapping of a domain error to the API: its message, and extensions.code with the error's own extensions. */
export function toGraphQLError(error: DomainError): GraphQLError {
  return new GraphQLError(error.message, { extensions: { code: error.code, ...error.extensions } });
}

/**
 * Domain errors become GraphQL errors here, before graphql-js sees them, so HTTP and
 * WebSocket answers carry the same extensions. GraphQLErrors with a code go to the client
 * as they are. Without this filter Nest would also log each one as an unexpected exception
 * with its stack.
 */
@Catch(DomainError, GraphQLError)
export class GraphQLErrorFilter implements GqlExceptionFilter {
  catch(error: DomainError | GraphQLError): GraphQLError {
    return error instanceof DomainError ? toGraphQLError(error) : error;
  }
}
