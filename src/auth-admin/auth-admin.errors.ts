import { DomainError } from '../common/errors/domain-error';

/** A revokeToken / unrevokeToken call with a bad argument; argumentPath names it. */
export class InvalidRevocation extends DomainError {
  constructor(message: string, argumentPath: string) {
    super('BAD_USER_INPUT', message, { argumentPath });
  }
}
