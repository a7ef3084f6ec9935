import { ManualClock } from '../common/clock/clock';
import { DomainError } from '../common/errors/domain-error';
import { AgentRegistry } from '../heartbeat/agent-registry';
import { AgentEventRepository } from '../storage/repositories/agent-event.repository';
import { FleetHealthService } from './fleet-health.service';
import { InvalidFleetQuery } from './health.errors';

describe('FleetHealthService refusals', () => {
  const service = new FleetHealthService(new ManualClock(0), { inEnvironment: () => [] } as unknown as AgentRegistry, {} as AgentEventRepository);

  it.each([
    [{ windowHours: 0 }, 'windowHours must be 1..720', 'windowHours'],
    [{ windowHours: 721 }, 'windowHours must be 1..720', 'windowHours'],
    [{ worst: -1 }, 'worst must be 0..100', 'worst'],
    [{ worst: 1.5 }, 'worst must be 0..100', 'worst'],
  ])('refuses fleet(%j) with BAD_USER_INPUT and the argument', async (args, message, argumentPath) => {
    const error = await service.fleet({ environment: 'prod', ...args }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidFleetQuery);
    expect(error).toBeInstanceOf(DomainError);
    const { code, extensions } = error as DomainError;
    // What the GraphQL layer sends: the message, and extensions.code with the error's extensions.
    expect({ message: (error as Error).message, extensions: { code, ...extensions } }).toEqual({
      message,
      extensions: { code: 'BAD_USER_INPUT', argumentPath },
    });
  });
});
