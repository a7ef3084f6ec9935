import { DomainError } from '../../common/errors/domain-error';

/** A trends query that cannot be answered as asked; argumentPath names the argument to change. */
export class InvalidTrendQuery extends DomainError {
  constructor(message: string, argumentPath: string) {
    super('BAD_USER_INPUT', message, { argumentPath });
  }
}

/** A query that ran past QUERY_TIMEOUT_SECONDS; nothing was answered. */
export class QueryTimedOut extends DomainError {
  constructor(timeoutMs: number) {
    super('BAD_USER_INPUT', `the query ran past its time limit of ${timeoutMs / 1000} s: narrow the selection or the range, or use a larger step`, {
      reason: 'QUERY_TIMEOUT',
    });
  }
}

/** The query fields of one request together need more points than QUERY_MAX_POINTS. */
export class RequestTooLarge extends DomainError {
  constructor(points: number, remaining: number, limit: number) {
    super('BAD_USER_INPUT', `this field needs ${points} points but the request has only ${remaining} of its ${limit} left: split the request`, {
      argumentPath: 'stepSeconds',
    });
  }
}
