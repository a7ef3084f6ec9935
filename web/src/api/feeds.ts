/**
 * The dashboard's data layer: each feed loads a snapshot over HTTP, then keeps it current from a
 * subscription, and hands the views plain state. Views never touch documents or sockets, so a
 * feed can move to a richer subscription (liveAggregates by groupBy, fleetHealth) on its own.
 */
import type { Api } from './client';
import {
  ACKNOWLEDGE,
  AgentRow,
  AgentStatus,
  ALERT_EVENTS,
  ALERTS,
  AlertRow,
  FLEET,
  HEALTH_CHANGED,
  LIVE,
  ResultOf,
  SILENCE,
  TRENDS,
  TrendLine,
  Window,
} from './documents';

export interface Fleet {
  /** the server's clock when the snapshot was taken (the service may run on a test or simulated clock) */
  serverNow: number;
  total: number;
  counts: Partial<Record<AgentStatus, number>>;
  agents: AgentRow[];
}

const REFRESH_MS = 15_000;

/** Status counts and every agent; a status change shows at once, a full reload follows it (scores, heartbeats) and runs every 15 s. */
export function watchFleet(api: Api, environment: string, onFleet: (fleet: Fleet) => void, onError: (error: Error) => void): () => void {
  let fleet: Fleet | undefined;
  let reload: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const load = async () => {
    clearTimeout(reload);
    try {
      const agents: AgentRow[] = [];
      let after: string | null = null;
      let first: ResultOf<typeof FLEET>['fleet'] | undefined;
      do {
        const page: ResultOf<typeof FLEET> = await api.request(FLEET, { environment, after });
        first ??= page.fleet;
        agents.push(...page.agents.edges.map((e) => e.node));
        after = page.agents.pageInfo.hasNextPage ? page.agents.pageInfo.endCursor : null;
      } while (after !== null);
      if (stopped) return;
      const counts = Object.fromEntries(first.statusCounts.map((c) => [c.status, c.count]));
      fleet = { serverNow: Date.parse(first.to), total: first.total, counts, agents };
      onFleet(fleet);
    } catch (error) {
      onError(error as Error);
    }
    if (!stopped) reload = setTimeout(() => void load(), REFRESH_MS);
  };
  // Subscribed before the snapshot so that no change falls between them.
  const unsubscribe = api.subscribe(HEALTH_CHANGED, { environment }, ({ agentHealthChanged: change }) => {
    const agent = fleet?.agents.find((a) => a.id === change.agentId);
    if (fleet === undefined || agent === undefined) return void load();
    const counts = { ...fleet.counts };
    counts[agent.status] = (counts[agent.status] ?? 1) - 1;
    counts[change.status] = (counts[change.status] ?? 0) + 1;
    // The score is stale until the reload; the event's time is the server's latest clock reading.
    const agents = fleet.agents.map((a) => (a === agent ? { ...a, status: change.status, statusReason: change.reason, health: null } : a));
    onFleet((fleet = { ...fleet, serverNow: Math.max(fleet.serverNow, Date.parse(change.at)), counts, agents }));
    clearTimeout(reload);
    reload = setTimeout(() => void load(), 2_000);
  });
  void load();
  return () => {
    stopped = true;
    clearTimeout(reload);
    unsubscribe();
  };
}

export type RangeKey = '5m' | '1h' | '6h' | '24h';
/** Each range with the live window that closes one point of it. */
export const RANGES: Record<RangeKey, { seconds: number; window: Window; stepSeconds: number }> = {
  '5m': { seconds: 300, window: 'FIVE_SECONDS', stepSeconds: 5 },
  '1h': { seconds: 3600, window: 'ONE_MINUTE', stepSeconds: 60 },
  '6h': { seconds: 21600, window: 'FIVE_MINUTES', stepSeconds: 300 },
  '24h': { seconds: 86400, window: 'ONE_HOUR', stepSeconds: 3600 },
};

export type ChartMode = { kind: 'fleet' } | { kind: 'group'; label: string } | { kind: 'agents'; agentIds: string[] };
export interface ChartSpec {
  environment: string;
  metric: string;
  range: RangeKey;
  mode: ChartMode;
}
export interface Line {
  name: string;
  /** epoch ms of the step's start -> the average over it */
  points: Map<number, number | null>;
}

/**
 * The chart's lines: `trends` over the range (AVG per step, one line for the fleet, per group or per agent),
 * then one liveAggregates subscription per line adding each closed window. A group's live line covers the
 * agents that carry its label now (liveAggregates has no groupBy yet).
 */
export function watchChart(api: Api, spec: ChartSpec, fleet: Fleet, onLines: (lines: Line[]) => void, onError: (error: Error) => void): () => void {
  const { seconds, window, stepSeconds } = RANGES[spec.range];
  const { environment, metric, mode } = spec;
  const subscriptions: (() => void)[] = [];
  let stopped = false;
  const lines: Line[] = [];
  const groupBy = mode.kind === 'fleet' ? [] : mode.kind === 'group' ? [mode.label] : ['agent'];
  const variables = {
    environment,
    metric,
    from: new Date(fleet.serverNow - seconds * 1000).toISOString(),
    to: new Date(fleet.serverNow).toISOString(),
    stepSeconds,
    groupBy,
    agentIds: mode.kind === 'agents' ? mode.agentIds : undefined,
  };
  api.request(TRENDS, variables).then(({ trends }) => {
    if (stopped) return;
    for (const series of trends.series) {
      const line = { name: lineName(series, groupBy), points: new Map(series.points.map((p) => [Date.parse(p.timestamp), p.value])) };
      lines.push(line);
      const agentIds = liveAgents(series, mode, fleet.agents);
      if (agentIds?.length === 0) continue;
      subscriptions.push(
        api.subscribe(
          LIVE,
          { environment, metric, window, agentIds },
          ({ liveAggregates: w }) => {
            const at = Date.parse(w.windowStart);
            // A window the subscription joined late holds less than the trend step already loaded for it.
            if (!w.complete && line.points.has(at)) return;
            line.points.set(at, w.avg);
            for (const t of line.points.keys()) if (t <= at - seconds * 1000) line.points.delete(t);
            onLines([...lines]);
          },
          onError,
        ),
      );
    }
    onLines([...lines]);
  }, onError);
  return () => {
    stopped = true;
    subscriptions.forEach((unsubscribe) => unsubscribe());
  };
}

/** The start of the newest step on any line (epoch ms; 0 without points). */
export const latestStep = (lines: Line[]) => Math.max(0, ...lines.flatMap((l) => [...l.points.keys()]));

const lineName = (series: TrendLine, groupBy: string[]) =>
  groupBy.length === 0
    ? 'fleet'
    : series.labels
        .filter((l) => groupBy.includes(l.name))
        .map((l) => l.value)
        .join(', ') || '(none)';

/** undefined: the whole fleet */
function liveAgents(series: TrendLine, mode: ChartMode, agents: AgentRow[]): string[] | undefined {
  if (mode.kind === 'fleet') return undefined;
  const value = series.labels.find((l) => l.name === (mode.kind === 'group' ? mode.label : 'agent'))?.value;
  if (mode.kind === 'agents') return value === undefined ? [] : [value];
  return agents.filter((a) => a.labels.some((l) => l.name === mode.label && l.value === value)).map((a) => a.id);
}

/** Open (pending and firing) alerts, reloaded on every alert event. */
export function watchAlerts(api: Api, environment: string, onAlerts: (alerts: AlertRow[]) => void, onError: (error: Error) => void): () => void {
  let stopped = false;
  const load = () => api.request(ALERTS, { environment }).then(({ alerts }) => stopped || onAlerts(alerts.edges.map((e) => e.node)), onError);
  const unsubscribe = api.subscribe(ALERT_EVENTS, { environment }, () => void load(), onError);
  void load();
  return () => {
    stopped = true;
    unsubscribe();
  };
}

export const acknowledge = (api: Api, environment: string, alert: AlertRow, comment?: string) =>
  api.request(ACKNOWLEDGE, { environment, id: alert.id, comment });

/** Mutes this alert's exact label set (its rule and subject) until `endsAt`. */
export const silence = (api: Api, environment: string, alert: AlertRow, endsAt: Date, comment: string) =>
  api.request(SILENCE, {
    environment,
    silence: {
      comment,
      endsAt: endsAt.toISOString(),
      ruleId: alert.ruleId,
      matchers: alert.labels.map((l) => ({ name: l.name, op: 'EQ' as const, value: l.value })),
    },
  });
