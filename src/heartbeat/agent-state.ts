import type { Label } from '../common/labels/label';
import { AgentStatus } from './agent-status';

/** One accepted heartbeat, as ingestion hands it over. */
export interface HeartbeatReport {
  agentId: string;
  intervalSeconds?: number;
  status?: string;
  labels?: Label[];
  cpu?: number;
  memory?: number;
  disk?: number;
  version?: string;
}

/** What the registry knows of one agent (times are epoch ms). */
export interface AgentState {
  /** agentKey(environment, agentId) */
  key: string;
  environment: string;
  agentId: string;
  status: AgentStatus;
  statusSince: number;
  statusReason: string;
  firstSeenAt: number;
  lastHeartbeatAt: number;
  intervalSeconds: number;
  labels: Label[];
  reportedStatus?: string;
  cpu?: number;
  memory?: number;
  disk?: number;
  version?: string;
  /** While PARTITIONED: the label group that went silent together, e.g. "region=eu-west". */
  partitionGroup?: string;
}

export interface AgentHealthChange {
  environment: string;
  agentId: string;
  previousStatus: AgentStatus;
  status: AgentStatus;
  at: Date;
  reason: string;
  /** The label group of a partition, on changes into and out of PARTITIONED. */
  group?: string;
}

export const agentKey = (environment: string, agentId: string) => `${environment}\u0000${agentId}`;

export const healthTopic = (environment: string) => `agentHealthChanged:${environment}`;
