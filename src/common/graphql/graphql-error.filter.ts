import { Catch } from '@nestjs/common';
import { GqlExceptionFilter } from '@nestjs/graphql';
import { GraphQLError } from 'graphql';

/**
 * Domain errors (VitalsError and other GraphQLErrors with a code) go to the
 * client as they are; without this filter Nest would also log each one as an
 * unexpected exception with its stack.
 */
@Catch(GraphQLError)
export class GraphQLErrorFilter implements GqlExceptionFilter {
  catch(error: GraphQLError): GraphQLError {
    return error;
  }
}
