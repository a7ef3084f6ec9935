import { buildSchema, getIntrospectionQuery, parse, specifiedRules, validate } from 'graphql';
import { depthLimitRule, INTROSPECTION_MAX_DEPTH } from './operation-limits';

const schema = buildSchema(`
  type Node { id: ID!  child: Node }
  type Query { node: Node }
`);
const errors = (query: string, maxDepth = 3) => validate(schema, parse(query), [...specifiedRules, depthLimitRule(maxDepth)]).map((e) => e.message);

describe('depthLimitRule', () => {
  it('counts fields below the top level, as graphql-depth-limit does', () => {
    expect(errors('query Ok { node { child { child { id } } } }')).toEqual([]);
    expect(errors('query Deep { node { child { child { child { id } } } } }')).toEqual(["'Deep' exceeds maximum operation depth of 3"]);
  });

  it('bounds introspection too (graphql-depth-limit skips it), at the depth the standard introspection query needs', () => {
    const all = { descriptions: true, inputValueDeprecation: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true };
    expect(errors(getIntrospectionQuery(all))).toEqual([]);
    const ofTypes = (n: number): string => (n === 0 ? 'name' : `ofType { ${ofTypes(n - 1)} }`);
    // __schema types fields type: 3 levels below the top, then ofType levels.
    expect(errors(`{ __schema { types { fields { type { ${ofTypes(INTROSPECTION_MAX_DEPTH - 4)} } } } } }`)).toEqual([]);
    expect(errors(`{ __schema { types { fields { type { ${ofTypes(INTROSPECTION_MAX_DEPTH - 3)} } } } } }`)).toEqual([
      `'' exceeds maximum operation depth of ${INTROSPECTION_MAX_DEPTH}`,
    ]);
    expect(errors(`{ __type(name: "Node") { fields { type { ${ofTypes(INTROSPECTION_MAX_DEPTH - 2)} } } } }`)).toEqual([
      `'' exceeds maximum operation depth of ${INTROSPECTION_MAX_DEPTH}`,
    ]);
    // The larger bound is for introspection only: the rest of the operation keeps maxDepth.
    expect(errors('{ __typename __schema { queryType { name } } node { child { child { child { id } } } } }')).toEqual([
      "'' exceeds maximum operation depth of 3",
    ]);
  });

  it('follows fragments and inline fragments, which add no depth', () => {
    expect(errors('{ node { ...A } } fragment A on Node { child { ... on Node { child { id } } } }')).toEqual([]);
    expect(errors('{ node { ...A } } fragment A on Node { child { ... on Node { child { child { id } } } } }')).toEqual([
      "'' exceeds maximum operation depth of 3",
    ]);
  });

  it('ends at fragment cycles and stays linear on fragment bombs', () => {
    expect(errors('{ node { ...A } } fragment A on Node { ...B } fragment B on Node { ...A }')).toEqual(['Cannot spread fragment "A" within itself via "B".']);
    const bomb = Array.from({ length: 40 }, (_, i) => `fragment F${i} on Node { ...F${i + 1} ...F${i + 1} }`).join(' ') + ' fragment F40 on Node { id }';
    expect(errors(`{ node { ...F0 } } ${bomb}`)).toEqual([]);
  });
});
