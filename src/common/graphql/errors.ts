import { GraphQLError } from 'graphql';

/** The error codes of API.md, carried in extensions.code. */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'RATE_LIMITED'
  | 'UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

/**
 * A domain error with its API code. Services and guards throw these; the GraphQL
 * layer turns them into errors with extensions.code in one place (formatError).
 */
export class VitalsError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extra: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extra } });
  }
}

export const unauthenticated = (message = 'A valid bearer token is required') =>
  new VitalsError('UNAUTHENTICATED', message);
export const forbidden = (message: string) => new VitalsError('FORBIDDEN', message);
export const badInput = (message: string, path?: string) =>
  new VitalsError('BAD_USER_INPUT', message, path === undefined ? {} : { argumentPath: path });
export const notFound = (message: string) => new VitalsError('NOT_FOUND', message);
export const unavailable = (message: string) => new VitalsError('UNAVAILABLE', message);
