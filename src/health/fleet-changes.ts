import { AgentHealthChange } from '../heartbeat/agent-state';

/**
 * The agents that changed status since a fleet update, one entry per agent: the transition from
 * its status before the first change to its status after the last (what a coalescing dashboard
 * must show), in order of the last change.
 */
export function coalesceChanges(older: readonly AgentHealthChange[], newer: readonly AgentHealthChange[]): AgentHealthChange[] {
  const byAgent = new Map<string, AgentHealthChange>();
  for (const change of [...older, ...newer]) {
    const first = byAgent.get(change.agentId);
    byAgent.delete(change.agentId); // re-inserted: map order is that of the last change
    byAgent.set(change.agentId, first === undefined ? change : { ...change, previousStatus: first.previousStatus });
  }
  return [...byAgent.values()];
}
