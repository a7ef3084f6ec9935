import type { Label } from '../../src/common/labels/label';
import { AgentStatus } from '../../src/heartbeat/agent-status';
import { AdaptiveHealthClassifier, AgentSnapshot } from '../../src/heartbeat/detector/adaptive-health-classifier';

export interface Change {
  at: number;
  key: string;
  from: AgentStatus;
  to: AgentStatus;
  reason: string;
  group?: string;
}

/**
 * A scripted fleet for the classifier's specs: heartbeat arrival times are given up
 * front, and the clock only moves through `runUntil`, which delivers due heartbeats and
 * sweeps every second like the registry does.
 */
export class Timeline {
  now = 0;
  readonly changes: Change[] = [];
  /** Groups as they appear in `partitionedGroups()`, once per appearance. */
  readonly groupEvents: { at: number; group: string }[] = [];
  private readonly agents: { snapshot: AgentSnapshot; beats: number[]; next: number; registered: boolean; group?: string }[] = [];
  private previousGroups = new Set<string>();

  constructor(readonly classifier = new AdaptiveHealthClassifier()) {}

  add(key: string, intervalSeconds: number, beats: number[], labels: Label[] = [], extra: Partial<AgentSnapshot> = {}): void {
    const snapshot: AgentSnapshot = { key, status: AgentStatus.HEALTHY, lastHeartbeatAt: 0, intervalSeconds, labels, ...extra };
    this.agents.push({ snapshot, beats: [...beats].sort((a, b) => a - b), next: 0, registered: false });
  }

  runUntil(untilMs: number, sweepEveryMs = 1000): void {
    while (this.now + sweepEveryMs <= untilMs) {
      this.now += sweepEveryMs;
      const registered: AgentSnapshot[] = [];
      for (const agent of this.agents) {
        while (agent.next < agent.beats.length && agent.beats[agent.next] <= this.now) {
          const at = agent.beats[agent.next++];
          this.classifier.observe(agent.snapshot.key, at);
          agent.snapshot.lastHeartbeatAt = Math.max(agent.snapshot.lastHeartbeatAt, at);
          agent.registered = true;
        }
        if (agent.registered) registered.push(agent.snapshot);
      }
      const verdicts = this.classifier.sweep(registered, this.now);
      for (const agent of this.agents) {
        const snapshot = agent.snapshot;
        const verdict = verdicts.get(snapshot.key);
        if (verdict === undefined) continue;
        expect(verdict.status).not.toBe(snapshot.status);
        this.changes.push({ at: this.now, key: snapshot.key, from: snapshot.status, to: verdict.status, reason: verdict.reason, group: verdict.group });
        snapshot.status = verdict.status;
        agent.group = verdict.status === AgentStatus.PARTITIONED ? verdict.group : undefined;
      }
      const groups = new Set(this.partitionedGroups());
      for (const group of groups) if (!this.previousGroups.has(group)) this.groupEvents.push({ at: this.now, group });
      this.previousGroups = groups;
    }
  }

  /** The groups that have PARTITIONED agents now, as the registry counts them for group alerts. */
  partitionedGroups(): string[] {
    return [...new Set(this.agents.flatMap((agent) => (agent.group === undefined ? [] : [agent.group])))];
  }

  status(key: string): AgentStatus {
    return this.snapshot(key).status;
  }

  snapshot(key: string): AgentSnapshot {
    const agent = this.agents.find((a) => a.snapshot.key === key);
    if (agent === undefined) throw new Error(`no agent ${key}`);
    return agent.snapshot;
  }

  changesOf(key: string): Change[] {
    return this.changes.filter((c) => c.key === key);
  }
}

/** Arrival times every `intervalMs` from `fromMs` up to `toMs`, shifted by `jitter(n)` and dropped where `skip` says. */
export function every(
  intervalMs: number,
  fromMs: number,
  toMs: number,
  options: { jitter?: (n: number) => number; skip?: (at: number) => boolean } = {},
): number[] {
  const beats: number[] = [];
  for (let n = 0, at = fromMs; at <= toMs; n++, at = fromMs + n * intervalMs) {
    const arrival = at + (options.jitter?.(n) ?? 0);
    if (!options.skip?.(arrival)) beats.push(arrival);
  }
  return beats;
}

/** Deterministic small jitter: +-`amplitude` ms, no pattern worth learning. */
export const wobble = (amplitude: number) => (n: number) => (((n * 7919) % 13) / 6 - 1) * amplitude;

export const region = (value: string, zone?: string): Label[] => [
  { name: 'region', value },
  ...(zone === undefined ? [] : [{ name: 'zone', value: zone }]),
  { name: 'team', value: 'qa' },
];

/**
 * Arrival times of an agent that sleeps `intervalMs` ±`jitter` (a fraction, uniform) between
 * sends from `fromMs` up to `toMs`, losing each heartbeat with probability `loss`, as in
 * bench/detector-simulation.ts; `lostInARow[k]` counts the runs of exactly k lost heartbeats.
 */
export function sleepLoop(
  random: () => number,
  intervalMs: number,
  fromMs: number,
  toMs: number,
  { jitter = 0.3, loss = 0 }: { jitter?: number; loss?: number } = {},
): { beats: number[]; lostInARow: number[] } {
  const beats: number[] = [];
  const lostInARow = [0];
  let run = 0;
  for (let at = fromMs; at <= toMs; at += intervalMs * (1 - jitter + 2 * jitter * random())) {
    if (random() < loss) {
      run++;
      continue;
    }
    if (run > 0) lostInARow[run] = (lostInARow[run] ?? 0) + 1;
    run = 0;
    beats.push(at);
  }
  return { beats, lostInARow };
}
