/**
 * The plain-English reasons of the classifier's verdicts, with the numbers behind each
 * decision. Only built for a change, so the strings cost nothing on a quiet sweep.
 */

/** "2.5s" below ten seconds, whole seconds above. */
export function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms / 1000)}s`;
}

export const onTime = () => 'heartbeats on time';

export const regularAgain = () => 'heartbeats regular and readings normal again';

export const resumed = (silenceMs: number) => (silenceMs > 0 ? `heartbeats resumed after ${seconds(silenceMs)} silence` : 'heartbeats resumed');

/** What suspicion expects of an agent's heartbeats. */
export interface Rhythm {
  meanMs: number;
  stdMs: number;
  lossRate: number;
}

export const suspect = (silenceMs: number, phi: number, threshold: number, rhythm: Rhythm) =>
  `no heartbeat for ${seconds(silenceMs)}, suspicion φ ${phi.toFixed(1)} (threshold ${threshold}; ` +
  `heartbeats every ${seconds(rhythm.meanMs)} ± ${seconds(rhythm.stdMs)}, ${percent(rhythm.lossRate)} lost)`;

/** "1%", "0.3%", "12%". */
const percent = (fraction: number) => `${Number((100 * fraction).toPrecision(2))}%`;

export const down = (silenceMs: number, downAfterTimeouts: number, timeoutMs: number, intervalSeconds: number) =>
  `no heartbeat for ${seconds(silenceMs)}, past ${downAfterTimeouts} adaptive timeouts of ${seconds(timeoutMs)} (interval ${intervalSeconds}s)`;

export interface DegradedSigns {
  reportedStatus?: string;
  cpu?: number;
  memory?: number;
  disk?: number;
  resourceThresholdPercent: number;
  /** Set when the heartbeats are irregular. */
  jitter?: { cv: number; threshold: number };
}

export function degraded(signs: DegradedSigns): string {
  const threshold = signs.resourceThresholdPercent;
  const parts: string[] = [];
  if (signs.reportedStatus === 'degraded' || signs.reportedStatus === 'error') parts.push(`agent reports status "${signs.reportedStatus}"`);
  for (const [name, value] of [
    ['cpu', signs.cpu],
    ['memory', signs.memory],
    ['disk', signs.disk],
  ] as const) {
    if (value !== undefined && value >= threshold) parts.push(`${name} at ${value}% (threshold ${threshold}%)`);
  }
  if (signs.jitter !== undefined) {
    parts.push(`irregular heartbeats: inter-arrival variation ${signs.jitter.cv.toFixed(2)} of the mean (threshold ${signs.jitter.threshold})`);
  }
  return parts.join('; ');
}

export function partitioned(group: { together: number; members: number; key: string; heard: number }): string {
  const heard = group.heard === 0 ? 'none heard from since' : `${group.heard} heard from since`;
  return `${group.together} of ${group.members} agents in ${group.key} went silent together (${heard})`;
}

export const silentAfterPartition = (silenceMs: number, sinceMs: number, group: string) =>
  `no heartbeat for ${seconds(silenceMs)}, still silent ${seconds(sinceMs)} after the partition of ${group} ended`;

export const startedFlapping = (flapThreshold: number, withinMs: number, flapSettleMs: number) =>
  `recovered from DOWN ${flapThreshold} times within ${seconds(withinMs)}; changes held back until ${seconds(flapSettleMs)} without DOWN`;

export const stillFlapping = (flapSettleMs: number) => `flapping: no DOWN-free stretch of ${seconds(flapSettleMs)} yet`;

export const goneWhileFlapping = (silenceMs: number) => `no heartbeat for ${seconds(silenceMs)} while flapping`;

export const flappingOver = (steadyMs: number) => `no DOWN for ${seconds(steadyMs)}, flapping is over`;
