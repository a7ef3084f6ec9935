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
