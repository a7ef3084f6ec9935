import { ManualClock } from '../common/clock/clock';
import { DomainError } from '../common/errors/domain-error';
import { AgentEventRepository } from '../storage/repositories/agent-event.repository';
import { AgentRegistry } from './agent-registry';
import { AgentsService } from './agents.service';
import { AgentNotFound, InvalidAgentQuery } from './heartbeat.errors';

/** The error `run` throws, as the GraphQL layer sends it: message and extensions with the code. */
async function refusal(run: () => unknown): Promise<{ type: unknown; message: string; extensions: Record<string, unknown> }> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    const { code, message, extensions } = error as DomainError;
    return { type: (error as object).constructor, message, extensions: { code, ...extensions } };
  }
  throw new Error('nothing thrown');
}

describe('AgentsService refusals', () => {
  const registry = { inEnvironment: () => [], get: () => undefined } as unknown as AgentRegistry;
  const service = new AgentsService(new ManualClock(0), registry, {} as AgentEventRepository);
  const from = new Date(0);
  const to = new Date(60_000);

  it.each([
    [{ first: 0 }, 'first must be 1..500', 'first'],
    [{ first: 501 }, 'first must be 1..500', 'first'],
    [{ after: 'not a cursor!' }, 'after is not a cursor from this API', 'after'],
  ])('refuses agents(%j) with BAD_USER_INPUT and the argument', async (args, message, argumentPath) => {
    expect(await refusal(() => service.list({ environment: 'prod', ...args }))).toEqual({
      type: InvalidAgentQuery,
      message,
      extensions: { code: 'BAD_USER_INPUT', argumentPath },
    });
  });

  it.each([
    [{ from: to, to: from }, 'from must be before to', 'from'],
    [{ slaTargetPercent: 101 }, 'slaTargetPercent must be 0..100', 'slaTargetPercent'],
  ])('refuses uptime(%j) with BAD_USER_INPUT and the argument', async (args, message, argumentPath) => {
    expect(await refusal(() => service.uptime({ environment: 'prod', agentId: 'a', from, to, ...args }))).toEqual({
      type: InvalidAgentQuery,
      message,
      extensions: { code: 'BAD_USER_INPUT', argumentPath },
    });
  });

  it('answers uptime of an unknown agent with NOT_FOUND, and no other extension', async () => {
    expect(await refusal(() => service.uptime({ environment: 'prod', agentId: 'ghost', from, to }))).toEqual({
      type: AgentNotFound,
      message: 'No agent "ghost" in environment "prod"',
      extensions: { code: 'NOT_FOUND' },
    });
  });
});
