import { DocumentNode, FieldNode, FragmentDefinitionNode, GraphQLError, GraphQLSchema, Kind, SelectionSetNode, ValidationRule } from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';

/**
 * The bounds every operation is held to, in one place for each way in: Apollo (validation
 * rules and ComplexityPlugin), graphql-ws (subscription-limits), and the read fast path in front of Apollo.
 */

/**
 * How deep `__schema` and `__type` may go: the depth of graphql-js's getIntrospectionQuery
 * with every option on, which GraphiQL, codegen and other tools send (its TypeRef fragment
 * unwraps 7 levels of ofType). Deeper introspection is refused.
 */
export const INTROSPECTION_MAX_DEPTH = 14;

const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

/**
 * The depth limit (GRAPHQL_MAX_DEPTH) as a validation rule: a field nested more than
 * `maxDepth` levels below the operation's top-level fields is refused, and below a top-level
 * `__schema` or `__type`, more than max(maxDepth, INTROSPECTION_MAX_DEPTH). Counted as
 * graphql-depth-limit counts, but over every field: that library skips `__` fields, which
 * left introspection unbounded. Fragments add no depth of their own; each is walked once per
 * depth and limit it is spread at (fragment bombs stay linear), and cycles, which
 * NoFragmentCyclesRule reports, end the walk.
 */
export function depthLimitRule(maxDepth: number): ValidationRule {
  const introspectionDepth = Math.max(maxDepth, INTROSPECTION_MAX_DEPTH);
  return (context) => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    type TooDeep = { field: FieldNode; limit: number };
    const walked = new Map<string, TooDeep | null>();
    /** The first field deeper than `limit` in `set` (whose fields sit at `depth`), with the limit it broke. */
    const tooDeep = (set: SelectionSetNode, depth: number, limit: number): TooDeep | undefined => {
      for (const selection of set.selections) {
        let found: TooDeep | undefined;
        if (selection.kind === Kind.FIELD) {
          const below = depth === 0 && INTROSPECTION_FIELDS.has(selection.name.value) ? introspectionDepth : limit;
          found = depth > limit ? { field: selection, limit } : selection.selectionSet && tooDeep(selection.selectionSet, depth + 1, below);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          found = tooDeep(selection.selectionSet, depth, limit);
        } else {
          const key = `${selection.name.value}@${depth}/${limit}`;
          const fragment = fragments.get(selection.name.value);
          if (!walked.has(key) && fragment !== undefined) {
            walked.set(key, null);
            walked.set(key, tooDeep(fragment.selectionSet, depth, limit) ?? null);
          }
          found = walked.get(key) ?? undefined;
        }
        if (found !== undefined) return found;
      }
      return undefined;
    };
    return {
      OperationDefinition(operation) {
        const found = tooDeep(operation.selectionSet, 0, maxDepth);
        if (found !== undefined) {
          context.reportError(new GraphQLError(`'${operation.name?.value ?? ''}' exceeds maximum operation depth of ${found.limit}`, { nodes: [found.field] }));
        }
        return false;
      },
    };
  };
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
