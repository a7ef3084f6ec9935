import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function parse(value: unknown): Date {
  const date = typeof value === 'string' && ISO_8601.test(value) ? new Date(value) : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) {
    throw new GraphQLError(`DateTime must be an ISO-8601 string such as 2024-05-01T12:00:00.000Z, not ${JSON.stringify(value)?.slice(0, 64)}`);
  }
  return date;
}

/**
 * `DateTime` as Nest's GraphQLISODateTime writes it (ISO-8601 in UTC), but read strictly: Nest's
 * turns a literal of another kind into null and any value into a Date, even an invalid one, which
 * resolvers then failed on. A value that is not an ISO-8601 string is BAD_USER_INPUT with its path.
 */
export const StrictDateTime = new GraphQLScalarType<Date, string | null>({
  name: 'DateTime',
  description: 'A date-time string at UTC, such as 2019-12-03T09:54:33Z, compliant with the date-time format.',
  serialize: (value) => (value instanceof Date ? value.toISOString() : null),
  parseValue: parse,
  parseLiteral: (ast) => parse(ast.kind === Kind.STRING ? ast.value : ast.kind),
});
