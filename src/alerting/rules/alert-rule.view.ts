import { Label } from '../../common/graphql/label.model';
import { MatchOp, SeriesAggregate, SeriesFunction } from '../../dashboard/models/series-query.enums';
import { AgentStatus } from '../../heartbeat/models/agent-status.enum';
import { AlertRuleKind, AnomalyDirection, AnomalyMethod, ComparisonOperator } from '../models/alert-rule.enums';
import { AlertRule } from '../models/alert-rule.model';
import { Severity } from '../models/alert.model';
import { StoredRule } from './alert-rules.service';

/** A stored rule as the API shows it: every setting, defaults included. */
export function toAlertRule({ id, environment, builtin, definition: d, createdAt, updatedAt }: StoredRule): AlertRule {
  return {
    id,
    environment,
    builtin,
    createdAt,
    updatedAt,
    name: d.name,
    kind: d.kind as AlertRuleKind,
    severity: d.severity as Severity,
    enabled: d.enabled,
    metric: d.metric,
    agentIds: d.agentIds,
    matchers: d.matchers.map((m) => ({ name: m.name, op: m.op as MatchOp, value: m.value })),
    function: d.function as SeriesFunction | undefined,
    aggregate: d.aggregate as SeriesAggregate,
    groupBy: d.groupBy,
    windowSeconds: d.windowSeconds,
    evaluateEverySeconds: d.evaluateEverySeconds,
    operator: d.operator as ComparisonOperator,
    threshold: d.threshold,
    clearThreshold: d.clearThreshold,
    forSeconds: d.forSeconds,
    keepFiringForSeconds: d.keepFiringForSeconds,
    anomaly:
      d.anomaly === undefined
        ? undefined
        : {
            method: d.anomaly.method as AnomalyMethod,
            sensitivity: d.anomaly.sensitivity,
            trainingSeconds: d.anomaly.trainingSeconds,
            seasonSeconds: d.anomaly.seasonSeconds,
            direction: d.anomaly.direction as AnomalyDirection,
          },
    absentForSeconds: d.kind === 'ABSENCE' ? d.absentForSeconds : undefined,
    statuses: d.kind === 'AGENT_STATUS' ? (d.statuses as AgentStatus[]) : undefined,
    summary: d.summary,
    labels: Object.entries(d.labels).map(([name, value]): Label => ({ name, value })),
    channelIds: d.channelIds,
    notification: d.notification,
  };
}
