import type { PointBudget } from '../graphql/point-budget';
import { Principal } from './principal';

/** The request a GraphQL operation carries: the HTTP request, or the one mapped from a subscription's connectionParams. */
export interface GqlRequest {
  headers: { authorization?: unknown };
  /** Set by GqlAuthGuard before any resolver runs. */
  user?: Principal;
}

/** The GraphQL context built by graphqlOptions. */
export interface GqlContext {
  req: GqlRequest;
  /** What the request's query fields may still answer together. */
  pointBudget: PointBudget;
}
