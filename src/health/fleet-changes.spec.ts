import { AgentStatus } from '../heartbeat/agent-status';
import { coalesceChanges } from './fleet-changes';

const change = (agentId: string, previousStatus: AgentStatus, status: AgentStatus, at: number) => ({
  environment: 'prod',
  agentId,
  previousStatus,
  status,
  at: new Date(at),
  reason: `${previousStatus}->${status}`,
});

describe('coalesceChanges', () => {
  it('keeps one transition per agent, from its first previous status to its last status, in order of the last change', () => {
    const merged = coalesceChanges(
      [change('a', AgentStatus.HEALTHY, AgentStatus.SUSPECT, 1), change('b', AgentStatus.HEALTHY, AgentStatus.DOWN, 2)],
      [change('a', AgentStatus.SUSPECT, AgentStatus.DOWN, 3), change('c', AgentStatus.UNKNOWN, AgentStatus.HEALTHY, 4)],
    );
    expect(merged.map((c) => [c.agentId, c.previousStatus, c.status, c.at.getTime()])).toEqual([
      ['b', 'HEALTHY', 'DOWN', 2],
      ['a', 'HEALTHY', 'DOWN', 3],
      ['c', 'UNKNOWN', 'HEALTHY', 4],
    ]);
  });

  it('is the identity on changes of distinct agents', () => {
    const only = [change('a', AgentStatus.HEALTHY, AgentStatus.SUSPECT, 1)];
    expect(coalesceChanges([], only)).toEqual(only);
  });
});
