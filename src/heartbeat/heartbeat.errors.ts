import { DomainError } from '../common/errors/domain-error';

/** An agents or uptime query that cannot be answered as asked; argumentPath names the argument to change. */
export class InvalidAgentQuery extends DomainError {
  constructor(message: string, argumentPath: string) {
    super('BAD_USER_INPUT', message, { argumentPath });
  }
}

/** The environment has no agent of that id (it never sent a heartbeat there). */
export class AgentNotFound extends DomainError {
  constructor(environment: string, agentId: string) {
    super('NOT_FOUND', `No agent "${agentId}" in environment "${environment}"`);
  }
}
