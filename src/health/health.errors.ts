import { DomainError } from '../common/errors/domain-error';

/** A fleet query that cannot be answered as asked; argumentPath names the argument to change. */
export class InvalidFleetQuery extends DomainError {
  constructor(message: string, argumentPath: string) {
    super('BAD_USER_INPUT', message, { argumentPath });
  }
}
