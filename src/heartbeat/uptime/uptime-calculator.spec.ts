import { AgentStatus } from '../agent-status';
import { computeUptime, StatusChange } from './uptime-calculator';

const S = 1000;
const { HEALTHY, SUSPECT, DOWN, PARTITIONED } = AgentStatus;
const at = (seconds: number, status: AgentStatus): StatusChange => ({ at: seconds * S, status });

describe('computeUptime', () => {
  it('counts a closed DOWN period as one incident and the rest as uptime', () => {
    const history = [at(0, HEALTHY), at(100, SUSPECT), at(130, DOWN), at(190, HEALTHY)];
    const report = computeUptime(history, 0, 1000 * S, 2000 * S);
    expect(report.downtimeSeconds).toBe(60);
    expect(report.uptimeSeconds).toBe(940);
    expect(report.availabilityPercent).toBeCloseTo(94);
    expect(report.incidents).toEqual([{ start: 130 * S, end: 190 * S, durationSeconds: 60, status: DOWN }]);
  });

  it('leaves an incident open while the agent is still down and ignores the future', () => {
    const report = computeUptime([at(0, HEALTHY), at(50, DOWN)], 0, 1000 * S, 80 * S);
    expect(report.uptimeSeconds).toBe(50);
    expect(report.downtimeSeconds).toBe(30);
    expect(report.incidents).toEqual([{ start: 50 * S, end: undefined, durationSeconds: 30, status: DOWN }]);
  });

  it('clips to the window and takes the status at `from` from the change before it', () => {
    const history = [at(0, DOWN), at(100, HEALTHY), at(200, PARTITIONED), at(300, HEALTHY)];
    const report = computeUptime(history, 50 * S, 250 * S, 1000 * S);
    expect(report.downtimeSeconds).toBe(100);
    expect(report.uptimeSeconds).toBe(100);
    expect(report.incidents).toEqual([
      { start: 50 * S, end: 100 * S, durationSeconds: 50, status: DOWN },
      { start: 200 * S, end: undefined, durationSeconds: 50, status: PARTITIONED },
    ]);
  });

  it('merges consecutive DOWN and PARTITIONED into one incident', () => {
    const report = computeUptime([at(0, DOWN), at(10, PARTITIONED), at(20, HEALTHY)], 0, 100 * S, 100 * S);
    expect(report.incidents).toEqual([{ start: 0, end: 20 * S, durationSeconds: 20, status: DOWN }]);
  });

  it('does not count time before the agent was first seen', () => {
    const report = computeUptime([at(500, HEALTHY)], 0, 1000 * S, 1000 * S);
    expect(report.uptimeSeconds).toBe(500);
    expect(report.availabilityPercent).toBe(100);
  });

  it('reports 100% with nothing observed', () => {
    expect(computeUptime([], 0, 10 * S, 10 * S)).toEqual({ uptimeSeconds: 0, downtimeSeconds: 0, availabilityPercent: 100, incidents: [] });
  });
});
