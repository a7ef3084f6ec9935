/** How live messages change what the feeds hold (pure, so that the specs beside it need no socket). */
import type { AgentRow, HealthChange, LiveWindow } from './documents';

export interface Line {
  name: string;
  /** epoch ms of the step's start -> the aggregate over it */
  points: Map<number, number | null>;
  /** the step whose point is provisional: the open window's value so far, replaced when it closes */
  open?: number;
}

/** Adds a liveAggregates message to a line: provisional while its window is open, final when it closes; the range slides. */
export function placeWindow(line: Line, w: LiveWindow, value: number | null, rangeSeconds: number): void {
  const at = Date.parse(w.windowStart);
  // A window the subscription joined late holds less than the trend step already loaded for it.
  if (!w.complete && line.points.has(at) && line.open !== at) return;
  line.points.set(at, value);
  if (!w.final) line.open = at;
  else if (line.open === at) line.open = undefined;
  for (const t of line.points.keys()) if (t <= at - rangeSeconds * 1000) line.points.delete(t);
}

/** The start of the newest step on any line that is not provisional (epoch ms; 0 without points). */
export const latestStep = (lines: Line[]) => Math.max(0, ...lines.flatMap((l) => [...l.points.keys()].filter((t) => t !== l.open)));

/** The rows with the status and reason of their agent's latest change; the score is unknown until the list is reloaded. */
export function patchStatuses(agents: AgentRow[], changes: HealthChange[]): AgentRow[] {
  if (changes.length === 0) return agents;
  const latest = new Map(changes.map((c) => [c.agentId, c]));
  return agents.map((a) => {
    const change = latest.get(a.id);
    return change ? { ...a, status: change.status, statusReason: change.reason, health: null } : a;
  });
}
