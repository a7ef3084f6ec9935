import depthLimit from 'graphql-depth-limit';
import { DocumentNode, GraphQLError, GraphQLSchema, ValidationRule } from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';

/**
 * The bounds every operation is held to, in one place for each way in: Apollo (validation
 * rules and ComplexityPlugin), graphql-ws (subscription-limits), and the read fast path in front of Apollo.
 */

/** The depth limit (GRAPHQL_MAX_DEPTH) as a validation rule. */
export function depthLimitRule(maxDepth: number): ValidationRule {
  // @types/graphql-depth-limit declares the rule as `any`.
  return depthLimit(maxDepth) as ValidationRule;
}

/**
 * The estimated cost of an operation that GRAPHQL_MAX_COST bounds: list fields multiply by
 * their page size, every other field counts 1. Throws when the variables do not coerce.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown> | undefined,
): number {
  return getComplexity({
    schema,
    operationName,
    query: document,
    variables,
    estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
  });
}

/** The refusal of an operation costlier than GRAPHQL_MAX_COST, the same over HTTP and WebSocket. */
export function costError(cost: number, maxCost: number): GraphQLError {
  return new GraphQLError(`Query cost ${cost} exceeds the limit of ${maxCost}; request fewer items or fields`, {
    // HTTP 400 as for other refused documents (Apollo answers 500 for a plugin's error otherwise; it keeps `http` out of the answer).
    extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
  });
}
