import { AgentStatus } from '../agent-status';
import { IntervalFailureDetector } from './interval-failure-detector';

describe('IntervalFailureDetector', () => {
  const detector = new IntervalFailureDetector({ suspectAfterIntervals: 3, downAfterIntervals: 6 });
  const agent = { status: AgentStatus.HEALTHY, lastHeartbeatAt: 0, intervalSeconds: 10 };

  it.each([
    [0, AgentStatus.HEALTHY],
    [30_000, AgentStatus.HEALTHY],
    [30_001, AgentStatus.SUSPECT],
    [60_000, AgentStatus.SUSPECT],
    [60_001, AgentStatus.DOWN],
  ])('after %i ms of silence says %s', (silence, status) => {
    expect(detector.assess('a', agent, silence).status).toBe(status);
  });

  it('scales with the interval the agent declares', () => {
    expect(detector.assess('a', { ...agent, intervalSeconds: 1 }, 3_500).status).toBe(AgentStatus.SUSPECT);
  });

  it('says DEGRADED when the agent reports a problem and is otherwise on time', () => {
    const verdict = detector.assess('a', { ...agent, reportedStatus: 'error' }, 1000);
    expect(verdict).toEqual({ status: AgentStatus.DEGRADED, reason: 'agent reports status "error"' });
  });

  it('explains a recovery', () => {
    expect(detector.assess('a', { ...agent, status: AgentStatus.DOWN }, 1000).reason).toBe('heartbeats resumed');
  });
});
