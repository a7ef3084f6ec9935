import { FieldNode, FragmentDefinitionNode, Kind, SelectionSetNode } from 'graphql';

type Fragments = Readonly<Record<string, FragmentDefinitionNode>>;

/** Whether a `trends` field (its nodes, as in GraphQLResolveInfo) selects any point percentile: they cost the most to compute. */
export function selectsPercentiles(fieldNodes: readonly FieldNode[], fragments: Fragments = {}): boolean {
  const points = selectedFields(fieldNodes, fragments, ['series', 'points']);
  return points.has('p50') || points.has('p95') || points.has('p99');
}

/**
 * The field names selected at `path` below a field (e.g. ['series', 'points']), through aliases
 * and fragments, so a resolver computes only what the query asks for.
 */
export function selectedFields(fieldNodes: readonly FieldNode[], fragments: Fragments, path: readonly string[]): Set<string> {
  let level: SelectionSetNode[] = fieldNodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
  for (const name of path) level = fieldsOf(level, fragments).flatMap((f) => (f.name.value === name && f.selectionSet ? [f.selectionSet] : []));
  return new Set(fieldsOf(level, fragments).map((f) => f.name.value));
}

function fieldsOf(sets: SelectionSetNode[], fragments: Fragments): FieldNode[] {
  const out: FieldNode[] = [];
  const visit = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) out.push(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet);
      else {
        const fragment = fragments[selection.name.value];
        if (fragment !== undefined) visit(fragment.selectionSet);
      }
    }
  };
  sets.forEach(visit);
  return out;
}
