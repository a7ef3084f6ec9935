import { AgentStatus, DOWN_STATUSES } from '../agent-status';

export interface StatusChange {
  at: number;
  status: AgentStatus;
}

export interface Incident {
  start: number;
  /** Undefined while the agent is still down at the end of the window. */
  end?: number;
  durationSeconds: number;
  status: AgentStatus;
}

export interface Uptime {
  uptimeSeconds: number;
  downtimeSeconds: number;
  /** 0..100 over the observed part of the window; 100 when nothing was observed. */
  availabilityPercent: number;
  incidents: Incident[];
}

/**
 * Uptime over [from, to] from an agent's status history. `history` is sorted by
 * time and may start with the last change before `from` (the status at `from`).
 * Time before the first known change is unobserved and counts as neither up nor
 * down; time after `now` has not happened yet. DOWN and PARTITIONED are downtime;
 * every other status (SUSPECT included, as it is not confirmed) is uptime.
 */
export function computeUptime(history: StatusChange[], from: number, to: number, now: number): Uptime {
  const end = Math.min(to, now);
  let up = 0;
  let down = 0;
  const incidents: Incident[] = [];
  let open: Incident | undefined;

  for (let i = 0; i < history.length; i++) {
    const start = Math.max(history[i].at, from);
    const stop = Math.min(i + 1 < history.length ? history[i + 1].at : end, end);
    if (stop <= start) {
      if (history[i].at < from) open = undefined;
      continue;
    }
    const seconds = (stop - start) / 1000;
    const status = history[i].status;
    if (DOWN_STATUSES.has(status)) {
      down += seconds;
      if (open === undefined) {
        open = { start, durationSeconds: 0, status };
        incidents.push(open);
      }
      open.durationSeconds += seconds;
    } else {
      up += seconds;
      if (open !== undefined) open.end = start;
      open = undefined;
    }
  }

  const observed = up + down;
  return {
    uptimeSeconds: up,
    downtimeSeconds: down,
    availabilityPercent: observed === 0 ? 100 : (100 * up) / observed,
    incidents,
  };
}

export interface Reliability {
  /** Mean time to recover: mean duration of the incidents that ended. */
  mttrSeconds?: number;
  /** Mean time between failures: uptime per incident. */
  mtbfSeconds?: number;
}

export function computeReliability(uptime: Uptime): Reliability {
  const closed = uptime.incidents.filter((i) => i.end !== undefined);
  return {
    mttrSeconds: closed.length === 0 ? undefined : closed.reduce((sum, i) => sum + i.durationSeconds, 0) / closed.length,
    mtbfSeconds: uptime.incidents.length === 0 ? undefined : uptime.uptimeSeconds / uptime.incidents.length,
  };
}

const SLA_PERIOD_SECONDS = 30 * 24 * 3600;

export interface SlaBudget {
  slaMet: boolean;
  /** Downtime the target allows in a 30-day period. */
  budgetSeconds: number;
  /** What is left of it after the downtime in the report (negative once breached). */
  budgetRemainingSeconds: number;
  /** Observed downtime fraction over the fraction the target allows (1 = exactly on budget); null when a 100% target meets downtime (an infinite rate, which GraphQL's Float cannot carry). */
  burnRate: number | null;
  /** At the observed rate, hours until the 30-day budget is spent; 0 if spent, undefined if nothing burns. */
  hoursToBreach?: number;
  projection: string;
}

/**
 * Error budget of a 30-day SLA, taking the report's downtime as what was spent
 * so far and its downtime rate as the rate from now on.
 */
export function computeSlaBudget(uptime: Uptime, targetPercent: number): SlaBudget {
  const allowedFraction = 1 - targetPercent / 100;
  const observed = uptime.uptimeSeconds + uptime.downtimeSeconds;
  const rate = observed === 0 ? 0 : uptime.downtimeSeconds / observed;
  const budgetSeconds = allowedFraction * SLA_PERIOD_SECONDS;
  const budgetRemainingSeconds = budgetSeconds - uptime.downtimeSeconds;
  const burnRate = allowedFraction === 0 ? (rate === 0 ? 0 : null) : rate / allowedFraction;
  const slaMet = uptime.availabilityPercent >= targetPercent;
  let hoursToBreach: number | undefined;
  let projection: string;
  if (budgetRemainingSeconds <= 0 && uptime.downtimeSeconds > 0) {
    hoursToBreach = 0;
    projection = `the 30-day error budget of ${formatDuration(budgetSeconds)} is spent (${formatDuration(uptime.downtimeSeconds)} down)`;
  } else if (rate === 0) {
    projection = 'no downtime observed: the 30-day error budget is untouched';
  } else {
    hoursToBreach = budgetRemainingSeconds / rate / 3600;
    projection = `at this rate the 30-day SLA is breached in ${hoursToBreach.toFixed(1)} hours (burn rate ${burnRate!.toFixed(2)}x)`;
  }
  return { slaMet, budgetSeconds, budgetRemainingSeconds, burnRate, hoursToBreach, projection };
}

function formatDuration(seconds: number): string {
  if (seconds >= 3600) return `${(seconds / 3600).toFixed(1)} h`;
  if (seconds >= 60) return `${(seconds / 60).toFixed(1)} min`;
  return `${seconds.toFixed(0)} s`;
}
