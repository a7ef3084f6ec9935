import type { RuleDefinition } from './rule-definition';
import { DEFAULT_POLICY } from './rule-validation';

/**
 * The rules every environment starts with: alerts on agent health. They are AGENT_STATUS rules
 * an operator can see, tune and disable (not delete). `groupBy: ["partition"]` makes the
 * partition's label group the subject: one alert per partition, never one per member.
 */
export const AGENT_DOWN_RULE = 'builtin:agent-down';
export const PARTITION_RULE = 'builtin:partition';
export const FLAPPING_RULE = 'builtin:agent-flapping';

/** The pseudo label an AGENT_STATUS rule groups by to get one subject per partition. */
export const PARTITION_GROUP = 'partition';

export function builtinRules(evaluateEverySeconds: number): Record<string, RuleDefinition> {
  const rule = (fields: Pick<RuleDefinition, 'name' | 'severity' | 'statuses' | 'summary'> & Partial<RuleDefinition>): RuleDefinition => ({
    kind: 'AGENT_STATUS',
    matchers: [],
    aggregate: 'AVG',
    windowSeconds: evaluateEverySeconds,
    evaluateEverySeconds,
    operator: 'GTE',
    threshold: 1,
    forSeconds: 0,
    keepFiringForSeconds: 0,
    absentForSeconds: 0,
    labels: {},
    channelIds: [],
    notification: DEFAULT_POLICY,
    enabled: true,
    ...fields,
  });
  return {
    [AGENT_DOWN_RULE]: rule({ name: 'AgentDown', severity: 'CRITICAL', statuses: ['DOWN'], summary: 'Agent {{agent}} is DOWN: {{reason}}' }),
    [PARTITION_RULE]: rule({
      name: 'AgentsPartitioned',
      severity: 'CRITICAL',
      statuses: ['PARTITIONED'],
      groupBy: [PARTITION_GROUP],
      summary: 'Partition of {{subject}}: {{reason}}',
    }),
    [FLAPPING_RULE]: rule({ name: 'AgentFlapping', severity: 'WARNING', statuses: ['FLAPPING'], summary: 'Agent {{agent}} is FLAPPING: {{reason}}' }),
  };
}
