import { AgentStatus } from '../agent-status';
import { AgentLiveness, FailureDetector, Verdict } from './failure-detector';

export interface IntervalDetectorSettings {
  /** Silence, in the agent's own heartbeat intervals, after which it is SUSPECT. */
  suspectAfterIntervals: number;
  /** Silence, in intervals, after which it is DOWN. */
  downAfterIntervals: number;
}

/**
 * First detector: fixed multiples of the interval each agent declares. Keeps
 * no history, so observe/forget do nothing.
 */
export class IntervalFailureDetector implements FailureDetector {
  constructor(private readonly settings: IntervalDetectorSettings) {}

  observe(): void {}

  forget(): void {}

  assess(_agentKey: string, agent: AgentLiveness, now: number): Verdict {
    const intervalMs = agent.intervalSeconds * 1000;
    const silenceMs = Math.max(0, now - agent.lastHeartbeatAt);
    const silence = `no heartbeat for ${formatSeconds(silenceMs)} (interval ${agent.intervalSeconds}s)`;
    if (silenceMs > this.settings.downAfterIntervals * intervalMs) {
      return { status: AgentStatus.DOWN, reason: `${silence}: past ${this.settings.downAfterIntervals} intervals` };
    }
    if (silenceMs > this.settings.suspectAfterIntervals * intervalMs) {
      return { status: AgentStatus.SUSPECT, reason: `${silence}: past ${this.settings.suspectAfterIntervals} intervals` };
    }
    if (agent.reportedStatus === 'degraded' || agent.reportedStatus === 'error') {
      return { status: AgentStatus.DEGRADED, reason: `agent reports status "${agent.reportedStatus}"` };
    }
    const wasSilent = agent.status === AgentStatus.SUSPECT || agent.status === AgentStatus.DOWN;
    return { status: AgentStatus.HEALTHY, reason: wasSilent ? 'heartbeats resumed' : 'heartbeats on time' };
  }
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}
