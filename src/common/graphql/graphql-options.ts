import { ApolloDriverConfig } from '@nestjs/apollo';
import { DocumentNode, GraphQLError, GraphQLFormattedError, GraphQLSchema, Kind } from 'graphql';
import type { WebSocket } from 'ws';
import { authenticateConnection, OpenSockets, requestFromConnection } from '../auth/connection-auth';
import { TokenVerifier } from '../auth/token-verifier';
import { AppConfig } from '../config/app-config';
import { Metrics } from '../metrics/metrics';
import { RateLimits } from '../rate-limit/rate-limits';
import { StrictDateTime } from './date-time.scalar';
import { depthLimitRule } from './operation-limits';
import { PointBudget } from './point-budget';
import { sharedSubscribe } from './shared-execution';
import { allowFullPayload, subscriptionLimits } from './subscription-limits';

/** Subscription fields whose messages carry nothing per caller: executed once per message for all their subscribers. */
const SHARED_SUBSCRIPTION_FIELDS: ReadonlySet<string> = new Set(['liveAggregates', 'topSeries', 'fleetHealth']);

/**
 * Apollo + graphql-ws options: in-memory code-first schema (schema.gql is
 * emitted by `npm run schema`), the same depth, cost and rate limits on every
 * operation over HTTP and WebSocket (introspection included, and only when
 * GRAPHQL_INTROSPECTION allows it), token check on WebSocket connect (HTTP requests
 * are refused without one by RequireTokenMiddleware), and errors that always carry
 * extensions.code.
 */
export function graphqlOptions(config: AppConfig, verifier: TokenVerifier, sockets: OpenSockets, metrics: Metrics, limits: RateLimits): ApolloDriverConfig {
  const authenticate = authenticateConnection(verifier, sockets);
  let schema: GraphQLSchema | undefined;
  return {
    autoSchemaFile: true,
    buildSchemaOptions: { scalarsMap: [{ type: Date, scalar: StrictDateTime }] },
    sortSchema: true,
    path: '/graphql',
    playground: false,
    introspection: config.introspection,
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
        ...countSubscriptions(metrics),
        // Live windows: one message object per window and selector, shared by its subscribers (Nest's type omits `subscribe`; it passes it on).
        ...{ subscribe: sharedSubscribe(SHARED_SUBSCRIPTION_FIELDS) },
        // Nest's type omits graphql-ws's `onError`, but passes every option through to useServer.
        ...subscriptionLimits(config, verifier, limits, () => schema!, withCode),
      },
    },
    // Over graphql-ws, ctx is graphql-ws's context: the socket is for subscription buffers to close a slow consumer.
    context: (ctx: { req?: unknown; connectionParams?: Record<string, unknown>; extra?: { socket?: WebSocket } }) => ({
      req: ctx.req ?? requestFromConnection(ctx.connectionParams),
      pointBudget: new PointBudget(config.QUERY_MAX_POINTS),
      socket: ctx.extra?.socket,
    }),
    formatError: withCode,
  };
}

/** vitals_subscriptions_active: +1 when a subscription starts streaming, -1 when it completes (graphql-ws completes every one, even on an abrupt close). */
function countSubscriptions(metrics: Metrics) {
  const active = new WeakMap<object, Map<string, string>>();
  return {
    onOperation: (ctx: object, id: string, _payload: unknown, args: { operationName?: string | null; document: DocumentNode }, result: unknown) => {
      if (result === null || typeof result !== 'object' || !(Symbol.asyncIterator in result)) return;
      const field = rootField(args.document) ?? 'unknown';
      let streams = active.get(ctx);
      if (streams === undefined) active.set(ctx, (streams = new Map<string, string>()));
      streams.set(id, field);
      metrics.subscriptions.inc({ field });
    },
    onComplete: (ctx: object, id: string) => {
      const field = active.get(ctx)?.get(id);
      if (field === undefined) return;
      active.get(ctx)!.delete(id);
      metrics.subscriptions.dec({ field });
    },
  };
}

/** The first root field of the (single) subscription: one of the schema's few subscription fields. */
function rootField(document: DocumentNode): string | undefined {
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const first = definition.selectionSet.selections[0];
    return first?.kind === Kind.FIELD ? first.name.value : undefined;
  }
  return undefined;
}

/** Driver errors that mean the database is unreachable (by name: common/ loads no driver). */
const UNREACHABLE = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
]);

export function withCode(formatted: GraphQLFormattedError, error?: unknown): GraphQLFormattedError {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  if (original instanceof Error && UNREACHABLE.has(original.name)) {
    return { message: 'The database is unavailable; retry later', path: formatted.path, extensions: { code: 'UNAVAILABLE' } };
  }
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
