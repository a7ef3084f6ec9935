import { GraphQLError } from 'graphql';
import { withCode } from './graphql-options';

describe('withCode', () => {
  const formatted = { message: 'Server selection timed out after 5000 ms', path: ['trends'] };

  it('answers UNAVAILABLE (retryable) for driver errors meaning the database is unreachable', () => {
    for (const name of ['MongoServerSelectionError', 'MongoNetworkError', 'MongoNotConnectedError']) {
      const driverError = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:27017'), { name });
      const wrapped = new GraphQLError(driverError.message, { originalError: driverError });
      expect(withCode(formatted, wrapped)).toEqual({
        message: 'The database is unavailable; retry later',
        path: ['trends'],
        extensions: { code: 'UNAVAILABLE' },
      });
    }
  });

  it('keeps other unexpected errors INTERNAL_SERVER_ERROR, and maps validation codes to BAD_USER_INPUT', () => {
    expect(withCode(formatted, new GraphQLError('x', { originalError: new TypeError('boom') })).extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(withCode({ message: 'bad', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'GRAPHQL_VALIDATION_FAILED',
    });
  });
});
