/**
 * Every GraphQL operation the dashboard sends, with the shape of its variables and result, in one
 * place (test/dashboard.e2e-spec.ts validates them against the service's schema).
 */
export interface Document<Result, Variables> {
  readonly query: string;
  /** phantom fields: carry the types to Api.request / Api.subscribe */
  readonly result?: Result;
  readonly variables?: Variables;
}
const gql = <Result, Variables>(query: string): Document<Result, Variables> => ({ query });
export type ResultOf<D> = D extends Document<infer Result, unknown> ? Result : never;

export type AgentStatus = 'HEALTHY' | 'DEGRADED' | 'SUSPECT' | 'DOWN' | 'PARTITIONED' | 'FLAPPING' | 'UNKNOWN';
export const STATUSES: AgentStatus[] = ['HEALTHY', 'DEGRADED', 'SUSPECT', 'FLAPPING', 'PARTITIONED', 'DOWN', 'UNKNOWN'];
export type Window = 'FIVE_SECONDS' | 'ONE_MINUTE' | 'FIVE_MINUTES' | 'ONE_HOUR';
export interface Label {
  name: string;
  value: string;
}
type Env = { environment: string };

export interface AgentRow {
  id: string;
  status: AgentStatus;
  statusReason: string;
  lastHeartbeatAt: string | null;
  labels: Label[];
  health: { score: number } | null;
}
export type StatusCounts = { status: AgentStatus; count: number }[];
/** The agent list (its statuses are kept current by FLEET_HEALTH), with the server's clock. */
export const FLEET = gql<
  {
    fleet: { to: string };
    agents: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: AgentRow }[] };
  },
  Env & { after?: string | null }
>(`query Fleet($environment: String!, $after: String) {
  fleet(environment: $environment, worst: 0) { to }
  agents(environment: $environment, first: 500, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { id status statusReason lastHeartbeatAt labels { name value } health { score } } }
  }
}`);

export interface HealthChange {
  agentId: string;
  previousStatus: AgentStatus;
  status: AgentStatus;
  at: string;
  reason: string;
}
const CHANGE_FIELDS = 'agentId previousStatus status at reason';
export const FLEET_HEALTH = gql<{ fleetHealth: { at: string; total: number; statusCounts: StatusCounts; changed: HealthChange[] } }, Env>(
  `subscription FleetHealth($environment: String!) {
  fleetHealth(environment: $environment) { at total statusCounts { status count } changed { ${CHANGE_FIELDS} } }
}`,
);

export const CHART_OPTIONS = gql<{ metrics: string[]; labelNames: string[] }, Env>(`query ChartOptions($environment: String!) {
  metrics(environment: $environment, first: 200)
  labelNames(environment: $environment)
}`);

export interface TrendLine {
  agentId: string;
  labels: Label[];
  points: { timestamp: string; value: number | null }[];
}
export type Aggregate = 'AVG' | 'P95';
export const TRENDS = gql<
  { trends: { stepSeconds: number; series: TrendLine[] } },
  Env & { metric: string; from: string; to: string; stepSeconds: number; agentIds?: string[]; groupBy: string[]; aggregate: Aggregate }
>(`query Trends($environment: String!, $metric: String!, $from: DateTime!, $to: DateTime!, $stepSeconds: Int, $agentIds: [ID!], $groupBy: [String!], $aggregate: SeriesAggregate) {
  trends(environment: $environment, metric: $metric, from: $from, to: $to, stepSeconds: $stepSeconds, agentIds: $agentIds, aggregate: $aggregate, groupBy: $groupBy) {
    stepSeconds series { agentId labels { name value } points { timestamp value } }
  }
}`);

export interface LiveWindow {
  windowStart: string;
  avg: number | null;
  p95: number | null;
  labels: Label[];
  final: boolean;
  complete: boolean;
}
export const LIVE = gql<
  { liveAggregates: LiveWindow },
  Env & { metric: string; window: Window; agentIds?: string[]; groupBy: string[]; inProgress: boolean }
>(`subscription Live($environment: String!, $metric: String!, $window: AggregationWindow!, $agentIds: [ID!], $groupBy: [String!], $inProgress: Boolean) {
  liveAggregates(environment: $environment, metric: $metric, window: $window, agentIds: $agentIds, groupBy: $groupBy, inProgress: $inProgress) {
    windowStart avg p95 labels { name value } final complete
  }
}`);

export interface Ranked {
  agentId: string;
  labels: Label[];
  value: number;
}
const RANKED_FIELDS = 'agentId labels { name value } value';
export const TOP = gql<{ topSeries: Ranked[] }, Env & { metric: string; from: string; to: string }>(
  `query Top($environment: String!, $metric: String!, $from: DateTime!, $to: DateTime!) {
  topSeries(environment: $environment, metric: $metric, from: $from, to: $to, by: MAX, limit: 5) { ${RANKED_FIELDS} }
}`,
);
export const LIVE_TOP = gql<
  { topSeries: { windowStart: string; windowEnd: string; complete: boolean; series: Ranked[] } },
  Env & { metric: string; window: Window }
>(
  `subscription LiveTop($environment: String!, $metric: String!, $window: AggregationWindow!) {
  topSeries(environment: $environment, metric: $metric, window: $window, by: MAX, limit: 5) { windowStart windowEnd complete series { ${RANKED_FIELDS} } }
}`,
);

export const HEALTH_CHANGED = gql<{ agentHealthChanged: HealthChange }, Env & { agentIds?: string[] }>(
  `subscription HealthChanged($environment: String!, $agentIds: [ID!]) {
  agentHealthChanged(environment: $environment, agentIds: $agentIds) { ${CHANGE_FIELDS} }
}`,
);

export type Severity = 'INFO' | 'WARNING' | 'CRITICAL';
export interface AlertRow {
  id: string;
  ruleId: string;
  ruleName: string | null;
  severity: Severity;
  state: 'PENDING' | 'FIRING' | 'RESOLVED';
  subject: string;
  summary: string;
  startedAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  labels: Label[];
}
const ALERT_FIELDS = 'id ruleId ruleName severity state subject summary startedAt acknowledgedAt acknowledgedBy labels { name value }';
export const ALERTS = gql<{ alerts: { edges: { node: AlertRow }[] } }, Env>(`query Alerts($environment: String!) {
  alerts(environment: $environment, state: [FIRING, PENDING], first: 100) { edges { node { ${ALERT_FIELDS} } } }
}`);

export const ALERT_EVENTS = gql<{ alertEvents: { alertId: string; state: string; acknowledged: boolean } }, Env>(
  `subscription AlertEvents($environment: String!) { alertEvents(environment: $environment) { alertId state acknowledged } }`,
);

export const ACKNOWLEDGE = gql<{ acknowledgeAlert: { id: string } }, Env & { id: string; comment?: string }>(
  `mutation Acknowledge($environment: String!, $id: ID!, $comment: String) { acknowledgeAlert(environment: $environment, id: $id, comment: $comment) { id } }`,
);

export const SILENCE = gql<
  { createSilence: { id: string; endsAt: string } },
  Env & { silence: { comment: string; endsAt: string; ruleId: string; matchers: { name: string; op: 'EQ'; value: string }[] } }
>(`mutation Silence($environment: String!, $silence: SilenceInput!) { createSilence(environment: $environment, silence: $silence) { id endsAt } }`);

export interface AgentDetail extends AgentRow {
  statusSince: string;
  firstSeenAt: string;
  intervalSeconds: number;
  health:
    | (AgentRow['health'] & {
        reason: string;
        recommendations: string[];
        secondsSinceHeartbeat: number;
        cpu: number | null;
        memory: number | null;
        disk: number | null;
        version: string | null;
        timeoutSeconds: number;
        components: { liveness: number; jitter: number; resources: number; errorStatus: number };
      })
    | null;
}
export interface Uptime {
  availabilityPercent: number;
  downtimeSeconds: number;
  mttrSeconds: number | null;
  slaMet: boolean | null;
  slaBudget: { projection: string } | null;
  incidents: { start: string; end: string | null; durationSeconds: number; status: AgentStatus }[];
}
export const AGENT_PAGE = gql<
  { agent: AgentDetail | null; uptime: Uptime; alerts: { edges: { node: AlertRow }[] } },
  Env & { id: string; from: string; to: string }
>(`query AgentPage($environment: String!, $id: ID!, $from: DateTime!, $to: DateTime!) {
  agent(environment: $environment, id: $id) {
    id status statusReason statusSince firstSeenAt lastHeartbeatAt intervalSeconds labels { name value }
    health { score reason recommendations secondsSinceHeartbeat cpu memory disk version timeoutSeconds components { liveness jitter resources errorStatus } }
  }
  uptime(environment: $environment, agentId: $id, from: $from, to: $to, slaTargetPercent: 99.9) {
    availabilityPercent downtimeSeconds mttrSeconds slaMet slaBudget { projection } incidents { start end durationSeconds status }
  }
  alerts(environment: $environment, agentId: $id, first: 20) { edges { node { ${ALERT_FIELDS} } } }
}`);

/** For the schema check in the tests. */
export const DOCUMENTS = {
  FLEET,
  FLEET_HEALTH,
  CHART_OPTIONS,
  TRENDS,
  LIVE,
  TOP,
  LIVE_TOP,
  HEALTH_CHANGED,
  ALERTS,
  ALERT_EVENTS,
  ACKNOWLEDGE,
  SILENCE,
  AGENT_PAGE,
};
