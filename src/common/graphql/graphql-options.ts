import { ApolloDriverConfig } from '@nestjs/apollo';
import { DocumentNode, GraphQLFormattedError, GraphQLSchema, NoSchemaIntrospectionCustomRule, specifiedRules, validate } from 'graphql';
import { authenticateConnection, OpenSockets, requestFromConnection } from '../auth/connection-auth';
import { TokenVerifier } from '../auth/token-verifier';
import { AppConfig } from '../config/app-config';
import { depthLimitRule } from './operation-limits';
import { PointBudget } from './point-budget';

/**
 * Apollo + graphql-ws options: in-memory code-first schema (schema.gql is
 * emitted by `npm run schema`), depth limit on every operation including
 * subscriptions and introspection, introspection only when GRAPHQL_INTROSPECTION
 * allows it (on both transports), token check on WebSocket connect (HTTP requests
 * are refused without one by RequireTokenMiddleware), and errors that always carry
 * extensions.code.
 */
export function graphqlOptions(config: AppConfig, verifier: TokenVerifier, sockets: OpenSockets): ApolloDriverConfig {
  const depthRule = depthLimitRule(config.GRAPHQL_MAX_DEPTH);
  // Apollo adds NoSchemaIntrospectionCustomRule itself when `introspection` is off; graphql-ws needs it given.
  const socketRules = [...specifiedRules, depthRule, ...(config.introspection ? [] : [NoSchemaIntrospectionCustomRule])];
  return {
    autoSchemaFile: true,
    sortSchema: true,
    path: '/graphql',
    playground: false,
    introspection: config.introspection,
    includeStacktraceInErrorResponses: false,
    validationRules: [depthRule],
    subscriptions: {
      'graphql-ws': {
        path: '/graphql',
        onConnect: authenticateConnection(verifier, sockets),
        // Nest's type omits graphql-ws's `validate`, but passes every option through to useServer.
        ...{ validate: (schema: GraphQLSchema, document: DocumentNode) => validate(schema, document, socketRules) },
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
