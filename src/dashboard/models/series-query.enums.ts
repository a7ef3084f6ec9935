import { registerEnumType } from '@nestjs/graphql';

// The selector, function and aggregate names of the query API, registered for GraphQL; the
// engine (dashboard/query) takes the same strings.

export enum MatchOp {
  EQ = 'EQ',
  NEQ = 'NEQ',
  REGEX = 'REGEX',
  NOT_REGEX = 'NOT_REGEX',
}
registerEnumType(MatchOp, { name: 'MatchOp', description: 'REGEX and NOT_REGEX are anchored (the whole value must match), RE2 syntax' });

export enum SeriesAggregate {
  AVG = 'AVG',
  SUM = 'SUM',
  MIN = 'MIN',
  MAX = 'MAX',
  COUNT = 'COUNT',
  P50 = 'P50',
  P95 = 'P95',
  P99 = 'P99',
}
registerEnumType(SeriesAggregate, { name: 'SeriesAggregate' });

export enum SeriesFunction {
  RATE = 'RATE',
  INCREASE = 'INCREASE',
  DELTA = 'DELTA',
}
registerEnumType(SeriesFunction, {
  name: 'SeriesFunction',
  description: 'Applied per series before aggregation: RATE and INCREASE for counters (resets handled), DELTA for gauges',
});
