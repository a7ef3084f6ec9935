import { DomainError } from '../common/errors/domain-error';

/** An auditLog query with an argument out of range; argumentPath names it. */
export class InvalidAuditQuery extends DomainError {
  constructor(message: string, argumentPath: string) {
    super('BAD_USER_INPUT', message, { argumentPath });
  }
}
