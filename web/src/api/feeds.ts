/**
 * The dashboard's data layer: each feed loads a snapshot over HTTP, then keeps it current from a
 * subscription, and hands the views plain state. Views never touch documents or sockets, so a
 * feed can move to another subscription on its own.
 */
import type { Api } from './client';
import {
  ACKNOWLEDGE,
  Aggregate,
  AgentRow,
  AgentStatus,
  ALERT_EVENTS,
  ALERTS,
  AlertRow,
  FLEET,
  FLEET_HEALTH,
  HealthChange,
  Label,
  LIVE,
  LIVE_TOP,
  Ranked,
  ResultOf,
  SILENCE,
  TOP,
  TRENDS,
  Window,
} from './documents';
import { Line, patchStatuses, placeWindow } from './live-state';

export interface Fleet {
  /** the server's clock as last seen (the service may run on a test or simulated clock) */
  serverNow: number;
  total: number;
  counts: Partial<Record<AgentStatus, number>>;
  agents: AgentRow[];
}

/** fleetHealth carries statuses, not scores or heartbeat times: the list is reloaded for those. */
const REFRESH_MS = 15_000;

/**
 * Status counts and every agent. The counts come from `fleetHealth`, and its changed agents patch
 * their rows at once (status and reason; the score is unknown until the next reload). The list is
 * loaded on each (re)subscription (the first message of one has no changes: after a reconnect, the
 * changes missed in between are in the new list) and every 15 s for scores and heartbeat times.
 */
export function watchFleet(api: Api, environment: string, onFleet: (fleet: Fleet) => void, onError: (error: Error) => void): () => void {
  let health: Omit<Fleet, 'agents'> | undefined;
  let agents: AgentRow[] | undefined;
  /** the changes received while the latest load runs, applied over its list */
  let changedDuringLoad: HealthChange[] = [];
  let loads = 0;
  let reload: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const publish = () => health && agents && onFleet({ ...health, agents });
  const load = async () => {
    clearTimeout(reload);
    const generation = ++loads;
    changedDuringLoad = [];
    try {
      const list: AgentRow[] = [];
      let after: string | null = null;
      let to = 0;
      do {
        const page: ResultOf<typeof FLEET> = await api.request(FLEET, { environment, after });
        to ||= Date.parse(page.fleet.to);
        list.push(...page.agents.edges.map((e) => e.node));
        after = page.agents.pageInfo.hasNextPage ? page.agents.pageInfo.endCursor : null;
      } while (after !== null);
      if (stopped || generation !== loads) return;
      agents = patchStatuses(list, changedDuringLoad);
      if (health) health = { ...health, serverNow: Math.max(health.serverNow, to) };
      publish();
    } catch (error) {
      onError(error as Error);
    }
    if (!stopped && generation === loads) reload = setTimeout(() => void load(), REFRESH_MS);
  };
  const unsubscribe = api.subscribe(
    FLEET_HEALTH,
    { environment },
    ({ fleetHealth: update }) => {
      const counts = Object.fromEntries(update.statusCounts.map((c) => [c.status, c.count]));
      health = { serverNow: Math.max(health?.serverNow ?? 0, Date.parse(update.at)), total: update.total, counts };
      if (update.changed.length === 0) return void load();
      changedDuringLoad.push(...update.changed);
      if (agents === undefined) return;
      // An agent not in the list yet: a new one.
      if (update.changed.some((c) => !agents!.some((a) => a.id === c.agentId))) return void load();
      agents = patchStatuses(agents, update.changed);
      publish();
    },
    onError,
  );
  return () => {
    stopped = true;
    clearTimeout(reload);
    unsubscribe();
  };
}

export type RangeKey = '5m' | '1h' | '6h' | '24h';
/** Each range with the live window that closes one point of it (as long as a step). */
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

/**
 * The chart's lines: `trends` over the range (one line for the fleet, per group or per agent; a single
 * line, the fleet's or one agent's, as its AVG and its P95), then one liveAggregates subscription with
 * the same groupBy adding each window to the line of its group: provisionally while it is open
 * (`inProgress`), finally when it closes.
 */
export function watchChart(api: Api, spec: ChartSpec, serverNow: number, onLines: (lines: Line[]) => void, onError: (error: Error) => void): () => void {
  const { seconds, window, stepSeconds } = RANGES[spec.range];
  const { environment, metric, mode } = spec;
  let stopped = false;
  let unsubscribe: (() => void) | undefined;
  const lines = new Map<string, Line>();
  const groupBy = mode.kind === 'fleet' ? [] : mode.kind === 'group' ? [mode.label] : ['agent'];
  const agentIds = mode.kind === 'agents' ? mode.agentIds : undefined;
  const aggregates: Aggregate[] = mode.kind === 'fleet' || agentIds?.length === 1 ? ['AVG', 'P95'] : ['AVG'];
  const nameOf = (labels: Label[], aggregate: Aggregate) => lineName(labels, groupBy) + (aggregates.length > 1 ? ` ${aggregate.toLowerCase()}` : '');
  const range = { from: new Date(serverNow - seconds * 1000).toISOString(), to: new Date(serverNow).toISOString() };
  Promise.all(aggregates.map((aggregate) => api.request(TRENDS, { environment, metric, ...range, stepSeconds, groupBy, agentIds, aggregate }))).then(
    (results) => {
      if (stopped) return;
      results.forEach(({ trends }, i) => {
        for (const series of trends.series) {
          const name = nameOf(series.labels, aggregates[i]);
          lines.set(name, { name, points: new Map(series.points.map((p) => [Date.parse(p.timestamp), p.value])) });
        }
      });
      onLines([...lines.values()]);
      unsubscribe = api.subscribe(
        LIVE,
        { environment, metric, window, agentIds, groupBy, inProgress: true },
        ({ liveAggregates: w }) => {
          for (const aggregate of aggregates) {
            const name = nameOf(w.labels, aggregate);
            const line = lines.get(name) ?? lines.set(name, { name, points: new Map() }).get(name)!;
            placeWindow(line, w, aggregate === 'AVG' ? w.avg : w.p95, seconds);
          }
          onLines([...lines.values()]);
        },
        onError,
      );
    },
    onError,
  );
  return () => {
    stopped = true;
    unsubscribe?.();
  };
}

const lineName = (labels: Label[], groupBy: string[]) =>
  groupBy.length === 0
    ? 'fleet'
    : labels
        .filter((l) => groupBy.includes(l.name))
        .map((l) => l.value)
        .join(', ') || '(none)';

export interface Ranking {
  windowStart: string;
  windowEnd: string;
  series: Ranked[];
}

/**
 * The five series with the highest maximum of the metric over the newest closed window of the
 * range's live window (5 s for the last 5 min, …): `topSeries` queried for the last closed window,
 * then the live `topSeries` of each window that closes. A window the subscription joined late is
 * queried instead (the live one holds only what arrived since).
 */
export function watchTop(
  api: Api,
  spec: Omit<ChartSpec, 'mode'>,
  serverNow: number,
  onTop: (top: Ranking) => void,
  onError: (error: Error) => void,
): () => void {
  const { environment, metric, range } = spec;
  const { window, stepSeconds } = RANGES[range];
  let stopped = false;
  let shown = 0;
  const show = (ranking: Ranking) => {
    if (stopped || Date.parse(ranking.windowStart) < shown) return;
    shown = Date.parse(ranking.windowStart);
    onTop(ranking);
  };
  const query = (windowStart: number) => {
    const [from, to] = [windowStart, windowStart + stepSeconds * 1000].map((t) => new Date(t).toISOString());
    api.request(TOP, { environment, metric, from, to }).then(({ topSeries }) => show({ windowStart: from, windowEnd: to, series: topSeries }), onError);
  };
  const windowMs = stepSeconds * 1000;
  query(Math.floor(serverNow / windowMs) * windowMs - windowMs);
  const unsubscribe = api.subscribe(
    LIVE_TOP,
    { environment, metric, window },
    ({ topSeries: top }) => (top.complete ? show(top) : query(Date.parse(top.windowStart))),
    onError,
  );
  return () => {
    stopped = true;
    unsubscribe();
  };
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
