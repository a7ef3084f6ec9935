import { GraphQLISODateTime } from '@nestjs/graphql';
import { buildSchema, execute, GraphQLFloat, GraphQLObjectType, GraphQLScalarType, GraphQLSchema, OperationDefinitionNode, parse } from 'graphql';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NotSerializable, SelectionWriter, UnsupportedSelection } from './selection-writer';

/** The service's schema as emitted (schema.gql), with Nest's DateTime scalar in place of the SDL's. */
function serviceSchema(): { schema: GraphQLSchema; dateTime: GraphQLScalarType } {
  const schema = buildSchema(readFileSync(join(__dirname, '../../../schema.gql'), 'utf8'));
  const dateTime = schema.getType('DateTime') as GraphQLScalarType;
  Object.assign(dateTime, {
    serialize: GraphQLISODateTime.serialize,
    parseValue: GraphQLISODateTime.parseValue,
    parseLiteral: GraphQLISODateTime.parseLiteral,
  });
  return { schema, dateTime };
}

const { schema, dateTime } = serviceSchema();
const writer = new SelectionWriter({ isoDateScalar: dateTime });

/** What graphql-js answers for `query` over `root`, as Apollo writes it, and what the writer writes for its first field. */
function both(query: string, root: Record<string, unknown>): { graphql: string; written: string | Error } {
  const document = parse(query);
  const result = execute({ schema, document, rootValue: root }) as { data?: unknown; errors?: unknown[] };
  const graphql = result.errors?.length ? 'errors' : JSON.stringify(result.data);
  const operation = document.definitions[0] as OperationDefinitionNode;
  const field = operation.selectionSet.selections[0] as { name: { value: string }; alias?: { value: string }; selectionSet?: never };
  const definition = schema.getQueryType()!.getFields()[field.name.value];
  let written: string | Error;
  try {
    const key = field.alias?.value ?? field.name.value;
    written = `{"${key}":` + writer.compile(definition.type, field.selectionSet)(root[field.name.value]) + '}';
  } catch (error) {
    written = error as Error;
  }
  return { graphql, written };
}

const POINT_FIELDS = 'timestamp count avg min max sum p50 p95 p99 value';
const TRENDS = `{ trends(environment: "e", metric: "m", from: "2024-01-01T00:00:00Z", to: "2024-01-02T00:00:00Z") {
  metric stepSeconds resolution warnings series { agentId metric labels { name value } points { ${POINT_FIELDS} } } } }`;

function point(i: number, overrides: Record<string, unknown> = {}) {
  const v = i * 1.25 - 3;
  return {
    timestamp: new Date(Date.UTC(2024, 0, 1, 0, i)),
    count: i + 1,
    avg: v,
    min: v - 1,
    max: v + 1e21,
    sum: -0,
    p50: 1e-7,
    p95: null,
    p99: v / 3,
    value: undefined,
    ...overrides,
  };
}

function trendResult(points: unknown[], overrides: Record<string, unknown> = {}) {
  return {
    metric: 'cpu "load"\n',
    stepSeconds: 60,
    resolution: '1m',
    warnings: ['clipped \u2028'],
    series: [
      { agentId: 'a-1', metric: 'cpu', labels: [{ name: 'route', value: '/x "y" \u00e9' }], points },
      { agentId: '*', metric: 'cpu', labels: [], points: [] },
    ],
    ...overrides,
  };
}

describe('SelectionWriter', () => {
  it('writes what graphql-js and JSON.stringify write: keys, order, nulls, numbers, strings, dates', () => {
    const { graphql, written } = both(TRENDS, { trends: trendResult([point(0), point(1), point(2)]) });
    expect(written).toBe(graphql);
  });

  it('follows aliases, selection order and __typename at every level', () => {
    const query = `{ t: trends(environment: "e", metric: "m", from: "2024-01-01T00:00:00Z", to: "2024-01-02T00:00:00Z") {
      __typename kind: __typename s: series { l: labels { __typename v: value n: name } p: points { value at: timestamp n: count } who: agentId } m: metric } }`;
    const { graphql, written } = both(query, { trends: trendResult([point(3), point(4)]) });
    expect(written).toBe(graphql);
    expect(written).toContain('"__typename":"TrendResult","kind":"TrendResult","s":[{"l":[{"__typename":"Label"');
  });

  it('writes topSeries lists', () => {
    const query = `{ topSeries(environment: "e", metric: "m", from: "2024-01-01T00:00:00Z", to: "2024-01-02T00:00:00Z", by: MAX) { value agentId labels { name } __typename } }`;
    const ranked = [
      { agentId: 'a', labels: [{ name: 'n', value: 'v' }], value: 3 },
      { agentId: 'b', labels: [], value: -1.5 },
    ];
    const { graphql, written } = both(query, { topSeries: ranked });
    expect(written).toBe(graphql);
  });

  it('coerces scalars as their types do (an Int-valued float, an ID number, a numeric string for Float)', () => {
    const query = `{ topSeries(environment: "e", metric: "m", from: "2024-01-01T00:00:00Z", to: "2024-01-02T00:00:00Z", by: MAX) { value agentId } }`;
    const { graphql, written } = both(query, {
      topSeries: [
        { agentId: 7, labels: [], value: '2.5' },
        { agentId: 'x', value: true },
      ],
    });
    expect(written).toBe(graphql);
  });

  it.each([
    ['NaN in a Float', { avg: NaN }],
    ['Infinity in a Float', { max: Infinity }],
    ['a fractional count', { count: 1.5 }],
    ['a count beyond 32 bits', { count: 2 ** 31 }],
    ['a null count', { count: null }],
    ['a timestamp that is no Date', { timestamp: '2024-01-01T00:00:00.000Z' }],
    ['an invalid Date', { timestamp: new Date(NaN) }],
  ])('throws NotSerializable where graphql-js reports an error: %s', (_, overrides) => {
    const { graphql, written } = both(TRENDS, { trends: trendResult([point(0), point(1, overrides)]) });
    expect(graphql).toBe('errors');
    expect(written).toBeInstanceOf(NotSerializable);
  });

  it.each([
    ['a list that is not an array', { warnings: 'w' }],
    ['a missing list', { series: undefined }],
    ['a null in a list of non-null', { warnings: [null] }],
    ['a function for a field (graphql-js would call it)', { metric: () => 'm' }],
  ])('throws NotSerializable for %s', (_, overrides) => {
    const { written } = both(TRENDS, { trends: trendResult([point(0)], overrides) });
    expect(written).toBeInstanceOf(NotSerializable);
  });

  it('reads fields through their own resolver when they have one (as Nest code-first fields do), not through a promise', () => {
    const nest = new GraphQLObjectType({
      name: 'P',
      fields: { x: { type: GraphQLFloat, resolve: (root: { x?: number }) => (root.x === undefined ? 42 : root.x) } },
    });
    const plain = new SelectionWriter();
    const selection = parse('{ x }').definitions[0] as OperationDefinitionNode;
    expect(plain.compile(nest, selection.selectionSet)({ x: 1 })).toBe('{"x":1}');
    expect(plain.compile(nest, selection.selectionSet)({})).toBe('{"x":42}');
    const later = new GraphQLObjectType({ name: 'Q', fields: { x: { type: GraphQLFloat, resolve: () => Promise.resolve(1) } } });
    expect(() => plain.compile(later, selection.selectionSet)({})).toThrow(NotSerializable);
  });

  it('refuses selections it does not write', () => {
    const type = schema.getType('TrendResult') as GraphQLObjectType;
    const selectionOf = (text: string) => (parse(text).definitions[0] as OperationDefinitionNode).selectionSet;
    expect(() => writer.compile(type, selectionOf('{ ...F }'))).toThrow(UnsupportedSelection);
    expect(() => writer.compile(type, selectionOf('{ metric @skip(if: false) }'))).toThrow(UnsupportedSelection);
    expect(() => writer.compile(type, selectionOf('{ metric metric }'))).toThrow(UnsupportedSelection);
    expect(() => writer.compile(type, selectionOf('{ series }'))).toThrow(UnsupportedSelection);
    expect(() => writer.compile(type, undefined)).toThrow(UnsupportedSelection);
  });
});
