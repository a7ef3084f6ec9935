import { AgentStatus } from '../heartbeat/agent-status';
import { assessAgentHealth, HealthInputs } from './agent-health-assessor';

const healthy: HealthInputs = { status: AgentStatus.HEALTHY, secondsSinceHeartbeat: 2, intervalSeconds: 10, timeoutSeconds: 15, jitterCv: 0.05 };

describe('assessAgentHealth', () => {
  it('scores a quiet, regular, unloaded agent near 100 with nothing to do', () => {
    const result = assessAgentHealth(healthy);
    expect(result.components).toEqual({ liveness: 100, jitter: 95, resources: 100, errorStatus: 100 });
    expect(result.score).toBe(99);
    expect(result.recommendations).toEqual(['No action needed.']);
  });

  it('scores a down agent 0 and says what to check', () => {
    const result = assessAgentHealth({ ...healthy, status: AgentStatus.DOWN, secondsSinceHeartbeat: 45 });
    expect(result.score).toBe(0);
    expect(result.recommendations[0]).toMatch(/^No heartbeat for 45 s \(expected every 10 s\)/);
  });

  it('points at the network for a partitioned agent', () => {
    expect(assessAgentHealth({ ...healthy, status: AgentStatus.PARTITIONED }).recommendations[0]).toMatch(/network path/);
  });

  it('lowers liveness as silence grows toward twice the timeout', () => {
    expect(assessAgentHealth({ ...healthy, secondsSinceHeartbeat: 20 }).components.liveness).toBe(50);
  });

  it("weighs resources, jitter and the agent's own status, with advice for each", () => {
    const result = assessAgentHealth({ ...healthy, disk: 97, cpu: 85, jitterCv: 0.8, reportedStatus: 'degraded' });
    expect(result.components).toEqual({ liveness: 100, jitter: 20, resources: 10, errorStatus: 50 });
    expect(result.score).toBe(Math.round(40 + 0.15 * 20 + 0.25 * 10 + 0.2 * 50));
    expect(result.recommendations).toEqual([
      'Heartbeats arrive irregularly (jitter 0.80): the agent or its host may be overloaded.',
      'CPU at 85%: reduce load or add capacity.',
      'Disk at 97%: free space or grow the volume.',
      'The agent reports itself "degraded": check its own logs.',
    ]);
  });
});
