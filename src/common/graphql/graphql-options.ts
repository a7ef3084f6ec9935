import { ApolloDriverConfig } from '@nestjs/apollo';
import { DocumentNode, GraphQLFormattedError, GraphQLSchema, specifiedRules, validate } from 'graphql';
import { authenticateConnection, requestFromConnection } from '../auth/connection-auth';
import { TokenVerifier } from '../auth/token-verifier';
import { AppConfig } from '../config/app-config';
import { depthLimitRule } from './operation-limits';
import { PointBudget } from './point-budget';

/**
 * Apollo + graphql-ws options: in-memory code-first schema (schema.gql is
 * emitted by `npm run schema`), depth limit on every operation including
 * subscriptions, token check on WebSocket connect, and errors that always
 * carry extensions.code.
 */
export function graphqlOptions(config: AppConfig, verifier: TokenVerifier): ApolloDriverConfig {
  const depthRule = depthLimitRule(config.GRAPHQL_MAX_DEPTH);
  return {
    autoSchemaFile: true,
    sortSchema: true,
    path: '/graphql',
    playground: false,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    validationRules: [depthRule],
    subscriptions: {
      'graphql-ws': {
        path: '/graphql',
        onConnect: authenticateConnection(verifier),
        // Nest's type omits graphql-ws's `validate`, but passes every option through to useServer.
        ...{ validate: (schema: GraphQLSchema, document: DocumentNode) => validate(schema, document, [...specifiedRules, depthRule]) },
      },
    },
    context: (ctx: { req?: unknown; connectionParams?: Record<string, unknown> }) => ({
      req: ctx.req ?? requestFromConnection(ctx.connectionParams),
      pointBudget: new PointBudget(config.QUERY_MAX_POINTS),
    }),
    formatError: withCode,
  };
}

function withCode(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (code === 'GRAPHQL_VALIDATION_FAILED' || code === 'GRAPHQL_PARSE_FAILED' || code === 'BAD_REQUEST') {
    return { ...formatted, extensions: { ...formatted.extensions, code: 'BAD_USER_INPUT', reason: code } };
  }
  return formatted.extensions?.code ? formatted : { ...formatted, extensions: { ...formatted.extensions, code: 'INTERNAL_SERVER_ERROR' } };
}
