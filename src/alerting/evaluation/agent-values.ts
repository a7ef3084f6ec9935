import { compileMatchers } from '../../dashboard/query/label-matcher';
import { PARTITION_GROUP } from './builtin-rules';
import type { RuleDefinition } from './rule-definition';
import { groupOf } from './subjects';
import type { SubjectValue } from './window-values';

/** What agent rules read of an agent. */
export interface AgentView {
  agentId: string;
  status: string;
  statusReason: string;
  labels: readonly { name: string; value: string }[];
  lastHeartbeatAt: number;
  /** While PARTITIONED: the label group that went silent together. */
  partitionGroup?: string;
}

/**
 * The subjects of an AGENT_STATUS rule (value: how many of the subject's agents are in one of
 * the statuses) or of a heartbeat ABSENCE rule (value: seconds since the subject's latest
 * heartbeat), per agent, per label group, or per partition (`groupBy: ["partition"]`: only
 * partitioned agents, by the group that went silent together).
 */
export function agentValues(rule: RuleDefinition, agents: Iterable<AgentView>, now: number): SubjectValue[] {
  const match = compileMatchers(rule.matchers);
  const only = rule.agentIds === undefined ? undefined : new Set(rule.agentIds);
  const statuses = new Set(rule.statuses);
  const absence = rule.kind === 'ABSENCE';
  const byPartition = rule.groupBy?.length === 1 && rule.groupBy[0] === PARTITION_GROUP;
  const subjects = new Map<string, SubjectValue>();
  for (const agent of agents) {
    if (only !== undefined && !only.has(agent.agentId)) continue;
    const labels: Record<string, string> = { agent: agent.agentId };
    for (const l of agent.labels) labels[l.name] ??= l.value;
    if (!match((name) => labels[name])) continue;
    const value = absence ? Math.max(0, (now - agent.lastHeartbeatAt) / 1000) : statuses.has(agent.status) ? 1 : 0;
    let subject: string;
    let subjectLabels: Record<string, string>;
    if (byPartition) {
      if (agent.partitionGroup === undefined || value === 0) continue;
      subject = agent.partitionGroup;
      subjectLabels = Object.fromEntries(agent.partitionGroup.split(',').map((pair) => pair.split('=', 2) as [string, string]));
    } else if (rule.groupBy === undefined) {
      subject = agent.agentId;
      subjectLabels = labels;
    } else {
      ({ subject, labels: subjectLabels } = groupOf(rule.groupBy, (name) => labels[name]));
    }
    const current = subjects.get(subject);
    const detail = agent.statusReason;
    if (current === undefined) subjects.set(subject, { subject, labels: subjectLabels, value, detail });
    // A group is absent only while every member is; otherwise it counts its members in the statuses.
    else if (absence) current.value = Math.min(current.value, value);
    else current.value += value;
  }
  return [...subjects.values()];
}
