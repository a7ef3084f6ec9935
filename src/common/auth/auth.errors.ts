import { DomainError } from '../errors/domain-error';

/** No usable bearer token. `reason` is the bare cause, which a WebSocket close reason carries without the message's preamble. */
export class Unauthenticated extends DomainError {
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super('UNAUTHENTICATED', message);
  }
}

/** A valid token that does not grant the operation, or the environment it names. */
export class Forbidden extends DomainError {
  constructor(message: string) {
    super('FORBIDDEN', message);
  }
}
