import { AgentStatus } from '../agent-status';

/** What a detector needs to know of one agent. */
export interface AgentLiveness {
  status: AgentStatus;
  /** Receive time of the newest heartbeat, epoch ms. */
  lastHeartbeatAt: number;
  intervalSeconds: number;
  /** The agent's own view from its last heartbeat: "ok", "degraded" or "error". */
  reportedStatus?: string;
}

export interface Verdict {
  status: AgentStatus;
  /** Human-readable: why the agent has this status. */
  reason: string;
}

/**
 * Decides an agent's status from its heartbeats. Implementations are pure and
 * take time as an argument, so the sweep (or a simulation) drives them with any
 * clock.
 */
export interface FailureDetector {
  /** Learns from one heartbeat arrival (adaptive detectors keep inter-arrival statistics). */
  observe(agentKey: string, receivedAt: number): void;
  /** Forgets an agent's statistics. */
  forget(agentKey: string): void;
  assess(agentKey: string, agent: AgentLiveness, now: number): Verdict;
}

export const FAILURE_DETECTOR = Symbol('FAILURE_DETECTOR');
