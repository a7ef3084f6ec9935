import { registerEnumType } from '@nestjs/graphql';
import { AgentStatus } from '../agent-status';

// The enum itself stays free of Nest for the pure code; GraphQL types take it from here, so it is
// registered before any schema that uses it is built.
registerEnumType(AgentStatus, { name: 'AgentStatus' });

export { AgentStatus };
