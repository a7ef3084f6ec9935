export enum AgentStatus {
  HEALTHY = 'HEALTHY',
  DEGRADED = 'DEGRADED',
  SUSPECT = 'SUSPECT',
  DOWN = 'DOWN',
  PARTITIONED = 'PARTITIONED',
  FLAPPING = 'FLAPPING',
  UNKNOWN = 'UNKNOWN',
}

/** Statuses counted as downtime by uptime reports. */
export const DOWN_STATUSES: ReadonlySet<AgentStatus> = new Set([AgentStatus.DOWN, AgentStatus.PARTITIONED]);
