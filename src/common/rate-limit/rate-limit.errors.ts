import { DomainError } from '../errors/domain-error';

/** Too many requests for the caller's limit (API.md): retry after `retryAfterSeconds`. */
export class RateLimited extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super('RATE_LIMITED', `Too many requests: retry after ${retryAfterSeconds} s`, { retryAfterSeconds });
  }
}
