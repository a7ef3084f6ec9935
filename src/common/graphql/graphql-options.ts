import { ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { WebSocket } from 'ws';
import { authenticateConnection, requestFromConnection } from '../auth/connection-auth';
import { TokenVerifier } from '../auth/token-verifier';
import { AppConfig } from '../config/app-config';
import { RateLimits } from '../rate-limit/rate-limits';
import { StrictDateTime } from './date-time.scalar';
import { depthLimitRule } from './operation-limits';
import { PointBudget } from './point-budget';
import { allowFullPayload, subscriptionLimits } from './subscription-limits';

/**
 * Apollo + graphql-ws options: in-memory code-first schema (schema.gql is
 * emitted by `npm run schema`), the same depth, cost and rate limits on every
 * operation over HTTP and WebSocket, token check on WebSocket connect, and errors
 * that always carry extensions.code.
 */
export function graphqlOptions(config: AppConfig, verifier: TokenVerifier, limits: RateLimits): ApolloDriverConfig {
  const authenticate = authenticateConnection(verifier);
  let schema: GraphQLSchema | undefined;
  return {
    autoSchemaFile: true,
    buildSchemaOptions: { scalarsMap: [{ type: Date, scalar: StrictDateTime }] },
    sortSchema: true,
    path: '/graphql',
    playground: false,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    validationRules: [depthLimitRule(config.GRAPHQL_MAX_DEPTH)],
    // Kept for graphql-ws, whose onSubscribe hook hands the server the schema to execute against.
    transformSchema: (built) => (schema = built),
    subscriptions: {
      'graphql-ws': {
        path: '/graphql',
        onConnect: (ctx) => {
          const accepted = authenticate(ctx);
          if (accepted) allowFullPayload((ctx.extra as { socket?: WebSocket }).socket, config.MAX_REQUEST_BYTES);
          return accepted;
        },
        // Nest's type omits graphql-ws's `onError`, but passes every option through to useServer.
        ...subscriptionLimits(config, verifier, limits, () => schema!, withCode),
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
  // graphql-js stops coercing variables after 50 errors with one more error of its own, which Apollo codes as an internal error.
  if (formatted.message.startsWith('Too many errors processing variables')) {
    return { ...formatted, extensions: { ...formatted.extensions, code: 'BAD_USER_INPUT' } };
  }
  return formatted.extensions?.code ? formatted : { ...formatted, extensions: { ...formatted.extensions, code: 'INTERNAL_SERVER_ERROR' } };
}
