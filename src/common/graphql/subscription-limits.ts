import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { ModuleRef } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import {
  DocumentNode,
  ExecutionResult,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  GraphQLFormattedError,
  GraphQLSchema,
  parse,
  NoSchemaIntrospectionCustomRule,
  specifiedRules,
  validate,
} from 'graphql';
import type { Context, SubscribePayload } from 'graphql-ws';
import type { WebSocket, WebSocketServer } from 'ws';
import { principalOf } from '../rate-limit/rate-limit.middleware';
import { RateLimited } from '../rate-limit/rate-limit.errors';
import { RateLimits } from '../rate-limit/rate-limits';
import { TokenVerifier } from '../auth/token-verifier';
import { AppConfig } from '../config/app-config';
import { toGraphQLError } from './graphql-error.filter';
import { costError, depthLimitRule, operationCost } from './operation-limits';

type WsContext = Context<Record<string, unknown> | undefined, unknown>;

/**
 * graphql-ws runs none of Apollo's plugins: every subscribe message is held here to the bounds
 * of an HTTP operation (syntax, validation with the depth limit, the cost estimate) and to the
 * caller's rate limit, and its errors carry extensions.code as over HTTP (`withCode`).
 * `schemaOf` gives the schema the server executes against, known once the module has built it.
 */
export function subscriptionLimits(
  config: AppConfig,
  verifier: TokenVerifier,
  limits: RateLimits,
  schemaOf: () => GraphQLSchema,
  withCode: (error: GraphQLFormattedError) => GraphQLFormattedError,
) {
  // Apollo adds NoSchemaIntrospectionCustomRule itself when introspection is off; graphql-ws needs it given.
  const rules = [...specifiedRules, depthLimitRule(config.GRAPHQL_MAX_DEPTH), ...(config.introspection ? [] : [NoSchemaIntrospectionCustomRule])];
  return {
    onSubscribe: async (ctx: WsContext, _id: string, payload: SubscribePayload) => {
      try {
        await limits.consume(
          principalOf(verifier, ctx.connectionParams?.authorization),
          (ctx.extra as { request?: IncomingMessage }).request?.socket.remoteAddress,
        );
      } catch (error) {
        if (error instanceof RateLimited) return [toGraphQLError(error)];
        throw error;
      }
      let document: DocumentNode;
      try {
        document = parse(payload.query);
      } catch (error) {
        return [coded(error as GraphQLError, 'GRAPHQL_PARSE_FAILED')];
      }
      const schema = schemaOf();
      const errors = validate(schema, document, rules);
      if (errors.length > 0) return errors.map((e) => coded(e, 'GRAPHQL_VALIDATION_FAILED'));
      const operation = getOperationAST(document, payload.operationName);
      if (!operation) return [new GraphQLError('Unable to identify the operation: name it with operationName', { extensions: { code: 'BAD_USER_INPUT' } })];
      const variables = payload.variables ?? undefined;
      const coercion = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}, { maxErrors: 10 });
      if (coercion.errors !== undefined) return coercion.errors.map((e) => coded(e, 'BAD_USER_INPUT'));
      let cost: number;
      try {
        cost = operationCost(schema, document, payload.operationName ?? undefined, variables);
      } catch (error) {
        return [new GraphQLError(`The operation's cost cannot be estimated: ${(error as Error).message}`, { extensions: { code: 'BAD_USER_INPUT' } })];
      }
      if (cost > config.GRAPHQL_MAX_COST) return [costError(cost, config.GRAPHQL_MAX_COST)];
      return { schema, document, operationName: payload.operationName, variableValues: variables };
    },
    onNext: (_ctx: WsContext, _id: string, _payload: SubscribePayload, _args: unknown, result: ExecutionResult) =>
      result.errors === undefined ? undefined : { ...result, errors: result.errors.map((e) => withCode(e.toJSON())) },
    onError: (_ctx: WsContext, _id: string, _payload: SubscribePayload, errors: readonly GraphQLError[]) => errors.map((e) => withCode(e.toJSON())),
  };
}

/** The error with extensions.code set, as Apollo codes parse and validation errors over HTTP. */
function coded(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, extensions: { ...error.extensions, code } });
}

/** ws keeps a connection's largest message in its receiver; it has no public setter. */
type Receiving = { _receiver?: { _maxPayload?: number } };

/** After connection_init is authenticated, a socket may send messages up to MAX_REQUEST_BYTES, as an HTTP body. */
export function allowFullPayload(socket: WebSocket | undefined, bytes: number): void {
  const receiver = (socket as Receiving | undefined)?._receiver;
  if (receiver?._maxPayload !== undefined) receiver._maxPayload = bytes;
}

/**
 * Until connection_init is authenticated, a WebSocket message may hold at most
 * WS_MAX_PAYLOAD_BEFORE_AUTH_BYTES (ws closes the socket with 1009 past it): Nest creates the
 * graphql-ws server with ws's default of 100 MiB and offers no option for it.
 */
@Injectable()
export class WebSocketPayloadLimit implements OnApplicationBootstrap {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const driver = this.moduleRef.get(GraphQLModule, { strict: false }).graphQlAdapter as unknown as { _subscriptionService?: { wss?: WebSocketServer } };
    const server = driver._subscriptionService?.wss;
    if (server === undefined) throw new Error('The graphql-ws server was not found: its message size limit cannot be set');
    server.options.maxPayload = this.config.WS_MAX_PAYLOAD_BEFORE_AUTH_BYTES;
  }
}
