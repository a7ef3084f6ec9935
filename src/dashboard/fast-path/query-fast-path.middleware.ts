import { Injectable, NestMiddleware } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { StrictDateTime } from '../../common/graphql/date-time.scalar';
import type { NextFunction, Request, Response } from 'express';
import { getArgumentValues, getVariableValues, GraphQLSchema, specifiedRules } from 'graphql';
import { LRUCache } from 'lru-cache';
import { Principal } from '../../common/auth/principal';
import { TokenVerifier } from '../../common/auth/token-verifier';
import { AppConfig } from '../../common/config/app-config';
import { depthLimitRule, operationCost } from '../../common/graphql/operation-limits';
import { TopSeriesArgs, TrendsArgs } from '../dto/dashboard.args';
import { PointBudget } from '../../common/graphql/point-budget';
import { selectsPercentiles } from '../trends/selected-fields';
import { TrendsService } from '../trends/trends.service';
import { ReadQuery, ReadQueryRecognizer } from './read-query';
import { SelectionWriter } from './selection-writer';

/** Longer query texts are neither cached nor answered here: Apollo parses them. */
export const MAX_FAST_QUERY_CHARS = 16 * 1024;

/**
 * The `accept` headers answered here, with the content type Apollo picks for them; any other
 * goes through Apollo, which negotiates it.
 */
const CONTENT_TYPES = new Map<string | undefined, string>([
  [undefined, 'application/json; charset=utf-8'],
  ['*/*', 'application/json; charset=utf-8'],
  ['application/json', 'application/json; charset=utf-8'],
  ['application/graphql-response+json', 'application/graphql-response+json; charset=utf-8'],
  ['application/graphql-response+json, application/json;q=0.9', 'application/graphql-response+json; charset=utf-8'],
  ['application/graphql-response+json,application/json;q=0.9', 'application/graphql-response+json; charset=utf-8'],
]);

type Body = { query?: unknown; variables?: unknown; operationName?: unknown; extensions?: unknown } | undefined;

/**
 * The hot path of reads, in front of Apollo: a plain `trends` / `topSeries` query (see
 * ReadQueryRecognizer) that validates, fits the depth and cost limits, and comes with a token
 * that may read every environment it names, goes straight to TrendsService and is answered
 * as GraphQL would answer it, its JSON written straight from the selection. graphql-js's
 * result completion (an object per point, each scalar through its type) took seconds for
 * answers of a hundred thousand points.
 *
 * Anything else, and every error (a refused token, a domain error, a value GraphQL would not
 * complete), falls through to Apollo unchanged, so errors keep their exact GraphQL form; reads
 * have no side effects, so one that fails here is simply run again there. Requests that carry
 * `extensions` also go through Apollo, as on the ingest fast path.
 */
@Injectable()
export class QueryFastPathMiddleware implements NestMiddleware {
  /** Recognised documents (or `false`) by query text, bounded by entries and by an estimate of their size. */
  private readonly known = new LRUCache<string, ReadQuery | false>({
    max: 500,
    maxSize: 8 * 1024 * 1024,
    sizeCalculation: (_, query) => 1024 + query.length * 12,
  });
  private prepared?: { schema: GraphQLSchema; recognizer: ReadQueryRecognizer };

  constructor(
    private readonly verifier: TokenVerifier,
    private readonly trends: TrendsService,
    private readonly config: AppConfig,
    private readonly moduleRef: ModuleRef,
  ) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const body = req.body as Body;
    const text = body?.query;
    if (typeof text !== 'string' || body!.extensions !== undefined || text.length > MAX_FAST_QUERY_CHARS) return next();
    if (!text.includes('trends') && !text.includes('topSeries')) return next();
    const contentType = CONTENT_TYPES.get(req.headers.accept);
    if (contentType === undefined) return next();
    const variables = body!.variables ?? {};
    if (typeof variables !== 'object' || Array.isArray(variables)) return next();
    const operationName = body!.operationName ?? undefined;
    if (operationName !== undefined && typeof operationName !== 'string') return next();

    // The token first: without one allowed to read, nothing of the request is parsed or remembered.
    const principal = this.principal(req.headers.authorization);
    if (principal === undefined || !principal.has('read')) return next();

    let answers: Promise<unknown[]>;
    let query: ReadQuery;
    try {
      const { schema, recognizer } = this.prepare();
      let known = this.known.get(text);
      if (known === undefined) {
        known = recognizer.recognize(text) ?? false;
        this.known.set(text, known);
      }
      if (known === false || (operationName !== undefined && operationName !== known.operationName)) return next();
      query = known;
      const calls = this.calls(schema, query, operationName, variables as Record<string, unknown>, principal);
      if (calls === undefined) return next();
      answers = Promise.all(calls.map((call) => call()));
    } catch {
      return next();
    }
    answers.then(
      (results) => {
        let json: string;
        try {
          json = this.write(query, results);
        } catch {
          return next();
        }
        this.send(res, contentType, json);
      },
      () => next(),
    );
  }

  /** The service calls of the query's fields, or undefined when GraphQL would refuse the request. */
  private calls(schema: GraphQLSchema, query: ReadQuery, operationName: string | undefined, variables: Record<string, unknown>, principal: Principal) {
    const coerced = getVariableValues(schema, query.operation.variableDefinitions ?? [], variables, { maxErrors: 1 });
    if (coerced.errors !== undefined) return undefined;
    if (operationCost(schema, query.document, operationName, variables) > this.config.GRAPHQL_MAX_COST) return undefined;
    // One budget for the request's fields, as Apollo's context gives them.
    const budget = new PointBudget(this.config.QUERY_MAX_POINTS);
    const calls: (() => Promise<unknown>)[] = [];
    for (const field of query.fields) {
      const args = getArgumentValues(field.definition, field.node, coerced.coerced);
      // As GqlAuthGuard checks each field: the environment it names (the permission was checked first).
      if (typeof args.environment === 'string' && !principal.canAccessEnvironment(args.environment)) return undefined;
      calls.push(
        field.name === 'trends'
          ? () => this.trends.trends(args as unknown as TrendsArgs, { quantiles: selectsPercentiles([field.node]), budget })
          : () => this.trends.topSeries(args as unknown as TopSeriesArgs, { budget }),
      );
    }
    return calls;
  }

  /** The answer's JSON text: `{"data":{...}}` with the fields in the order of the query, and a newline as Apollo ends it. */
  private write(query: ReadQuery, results: unknown[]): string {
    let out = '{"data":';
    for (let i = 0; i < query.fields.length; i++) {
      const field = query.fields[i];
      out += (i === 0 ? '{' : ',') + JSON.stringify(field.responseKey) + ':' + field.write(results[i]);
    }
    return out + '}}\n';
  }

  /** As Apollo answers a successful query (also `cache-control: no-store`: no field has a cache hint). Public for tests, which watch it to tell who answered. */
  send(res: Response, contentType: string, json: string): void {
    res.status(200);
    res.setHeader('content-type', contentType);
    res.setHeader('cache-control', 'no-store');
    res.send(json);
  }

  /** The schema (known once the application has initialised) and the recognizer on it. */
  private prepare() {
    if (this.prepared === undefined) {
      const schema = this.moduleRef.get(GraphQLSchemaHost, { strict: false }).schema;
      const dateTime = schema.getType('DateTime');
      const writer = new SelectionWriter({ isoDateScalar: dateTime === StrictDateTime ? StrictDateTime : undefined });
      const recognizer = new ReadQueryRecognizer(schema, [...specifiedRules, depthLimitRule(this.config.GRAPHQL_MAX_DEPTH)], writer);
      this.prepared = { schema, recognizer };
    }
    return this.prepared;
  }

  /** The caller, or undefined when the token is refused: Apollo then answers the refusal. */
  private principal(authorization: string | undefined): Principal | undefined {
    try {
      return this.verifier.principal(authorization);
    } catch {
      return undefined;
    }
  }
}
