import { DomainError } from '../common/errors/domain-error';

/** An alerts query with an argument out of range; argumentPath names it. */
export class InvalidAlertQuery extends DomainError {
  constructor(message: string, argumentPath: string) {
    super('BAD_USER_INPUT', message, { argumentPath });
  }
}

/** A rule definition that cannot be evaluated; argumentPath names the field, e.g. rule.windowSeconds. */
export class InvalidAlertRule extends DomainError {
  constructor(message: string, argumentPath: string) {
    super('BAD_USER_INPUT', `${argumentPath}: ${message}`, { argumentPath });
  }
}

export class AlertRuleNotFound extends DomainError {
  constructor(id: string) {
    super('NOT_FOUND', `No alert rule ${JSON.stringify(id)} in this environment`, { argumentPath: 'id' });
  }
}

export class AlertNotFound extends DomainError {
  constructor(id: string) {
    super('NOT_FOUND', `No alert ${JSON.stringify(id)} in this environment`, { argumentPath: 'id' });
  }
}

/** Built-in rules can be tuned and disabled, not deleted or changed into another kind. */
export class BuiltinRuleChange extends DomainError {
  constructor(message: string) {
    super('BAD_USER_INPUT', message, { argumentPath: 'id' });
  }
}

/** A preview that cannot run as asked (range, size, or a rule kind without stored history); argumentPath names the argument. */
export class InvalidPreview extends DomainError {
  constructor(message: string, argumentPath: string) {
    super('BAD_USER_INPUT', message, { argumentPath });
  }
}
