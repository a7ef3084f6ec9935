import { GraphQLISODateTime } from '@nestjs/graphql';
import { buildSchema, GraphQLScalarType, specifiedRules } from 'graphql';
import depthLimit from 'graphql-depth-limit';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ReadQueryRecognizer } from './read-query';
import { SelectionWriter } from './selection-writer';

const schema = buildSchema(readFileSync(join(__dirname, '../../../schema.gql'), 'utf8'));
const dateTime = schema.getType('DateTime') as GraphQLScalarType;
Object.assign(dateTime, { serialize: GraphQLISODateTime.serialize, parseValue: GraphQLISODateTime.parseValue, parseLiteral: GraphQLISODateTime.parseLiteral });
const recognizer = new ReadQueryRecognizer(schema, [...specifiedRules, depthLimit(2)], new SelectionWriter({ isoDateScalar: dateTime }));

const ARGS = 'environment: "e", metric: "m", from: "2024-01-01T00:00:00Z", to: "2024-01-02T00:00:00Z"';

describe('ReadQueryRecognizer', () => {
  it('recognises trends and topSeries fields, aliased, several, with literals and variables', () => {
    const query = recognizer.recognize(`query Q($from: DateTime!, $m: [LabelMatcherInput!]) {
      t: trends(environment: "e", metric: "m", from: $from, to: "2024-01-02T00:00:00Z", matchers: $m) { metric series { agentId } }
      topSeries(${ARGS}, by: MAX) { __typename value }
    }`);
    expect(query).toBeDefined();
    expect(query!.operationName).toBe('Q');
    expect(query!.fields.map((f) => [f.responseKey, f.name])).toEqual([
      ['t', 'trends'],
      ['topSeries', 'topSeries'],
    ]);
    expect(query!.fields[1].write([{ value: 1, agentId: 'a', labels: [] }])).toBe('[{"__typename":"RankedSeries","value":1}]');
  });

  it('recognises the shorthand query form', () => {
    expect(recognizer.recognize(`{ trends(${ARGS}) { metric } }`)?.operationName).toBeUndefined();
  });

  it.each([
    ['a syntax error', `{ trends(${ARGS}) { metric }`],
    ['a mutation', `mutation { trends(${ARGS}) { metric } }`],
    ['a subscription', `subscription { liveAggregates(environment: "e", metric: "m", window: ONE_MINUTE) { count } }`],
    ['another field', `{ metrics(environment: "e") }`],
    ['another field beside trends', `{ trends(${ARGS}) { metric } metrics(environment: "e") }`],
    ['a top-level __typename', `{ __typename trends(${ARGS}) { metric } }`],
    ['two operations', `query A { trends(${ARGS}) { metric } } query B { trends(${ARGS}) { metric } }`],
    ['a fragment', `{ trends(${ARGS}) { ...F } } fragment F on TrendResult { metric }`],
    ['an inline fragment', `{ trends(${ARGS}) { ... on TrendResult { metric } } }`],
    ['a field directive', `{ trends(${ARGS}) @include(if: true) { metric } }`],
    ['a nested directive', `{ trends(${ARGS}) { metric @skip(if: false) } }`],
    ['an operation directive', `query @foo { trends(${ARGS}) { metric } }`],
    ['a repeated response key', `{ trends(${ARGS}) { metric metric } }`],
    ['a repeated top-level key', `{ a: trends(${ARGS}) { metric } a: trends(${ARGS}) { metric } }`],
    ['an unknown field', `{ trends(${ARGS}) { nope } }`],
    ['a missing argument', `{ trends(environment: "e", metric: "m") { metric } }`],
    ['a badly typed literal', `{ trends(${ARGS}, stepSeconds: "x") { metric } }`],
    ['an undefined variable', `{ trends(${ARGS}, stepSeconds: $s) { metric } }`],
    ['a variable of the wrong type', `query($s: String) { trends(${ARGS}, stepSeconds: $s) { metric } }`],
    ['no selection on an object', `{ trends(${ARGS}) }`],
    ['a selection deeper than the depth limit', `{ trends(${ARGS}) { series { labels { name } } } }`],
  ])('leaves %s to Apollo', (_, query) => {
    expect(recognizer.recognize(query)).toBeUndefined();
  });

  it('accepts what the depth limit allows', () => {
    expect(recognizer.recognize(`{ trends(${ARGS}) { series { agentId } } }`)).toBeDefined();
  });
});
