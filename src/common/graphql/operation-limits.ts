import { DocumentNode, FieldNode, FragmentDefinitionNode, GraphQLError, GraphQLSchema, Kind, SelectionSetNode, ValidationRule } from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';

/**
 * The bounds every operation is held to, in one place for each way in: Apollo (validation
 * rules and ComplexityPlugin), graphql-ws, and the read fast path in front of Apollo.
 */

/**
 * The depth limit (GRAPHQL_MAX_DEPTH) as a validation rule: a field nested more than
 * `maxDepth` levels below the operation's top-level fields is refused. Counted as
 * graphql-depth-limit counts, but over every field: that library skips `__schema` and
 * `__type`, which left introspection unbounded. Fragments add no depth of their own; each
 * is walked once per depth it is spread at (fragment bombs stay linear) and cycles, which
 * NoFragmentCyclesRule reports, end the walk.
 */
export function depthLimitRule(maxDepth: number): ValidationRule {
  return (context) => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    const walked = new Map<string, FieldNode | null>();
    /** The first field deeper than the limit in `set`, whose fields sit at `depth`. */
    const tooDeep = (set: SelectionSetNode, depth: number): FieldNode | undefined => {
      for (const selection of set.selections) {
        let found: FieldNode | undefined;
        if (selection.kind === Kind.FIELD) {
          found = depth > maxDepth ? selection : selection.selectionSet && tooDeep(selection.selectionSet, depth + 1);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          found = tooDeep(selection.selectionSet, depth);
        } else {
          const key = `${selection.name.value}@${depth}`;
          const fragment = fragments.get(selection.name.value);
          if (!walked.has(key) && fragment !== undefined) {
            walked.set(key, null);
            walked.set(key, tooDeep(fragment.selectionSet, depth) ?? null);
          }
          found = walked.get(key) ?? undefined;
        }
        if (found !== undefined) return found;
      }
      return undefined;
    };
    return {
      OperationDefinition(operation) {
        const field = tooDeep(operation.selectionSet, 0);
        if (field !== undefined) {
          context.reportError(new GraphQLError(`'${operation.name?.value ?? ''}' exceeds maximum operation depth of ${maxDepth}`, { nodes: [field] }));
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
