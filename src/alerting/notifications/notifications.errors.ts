import { DomainError } from '../../common/errors/domain-error';

/** A channel, silence, inhibition rule or deliveries query with a bad argument; argumentPath names the field, e.g. `channel.url`. */
export class InvalidNotificationInput extends DomainError {
  constructor(message: string, argumentPath: string) {
    super('BAD_USER_INPUT', message, { argumentPath });
  }
}

/** No such channel, silence or inhibition rule in the environment (another environment's ids are never found). */
export class NotificationObjectNotFound extends DomainError {
  constructor(what: string, id: string) {
    super('NOT_FOUND', `${what} ${JSON.stringify(id)} does not exist in this environment`, { argumentPath: 'id' });
  }
}
