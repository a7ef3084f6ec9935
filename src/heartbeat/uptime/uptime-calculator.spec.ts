import { AgentStatus } from '../agent-status';
import { computeReliability, computeSlaBudget, computeUptime, StatusChange } from './uptime-calculator';

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

describe('computeReliability', () => {
  it('gives MTTR over ended incidents and MTBF as uptime per incident', () => {
    const report = computeUptime([at(0, HEALTHY), at(100, DOWN), at(130, HEALTHY), at(200, DOWN), at(290, HEALTHY), at(400, DOWN)], 0, 500 * S, 500 * S);
    expect(computeReliability(report)).toEqual({ mttrSeconds: 60, mtbfSeconds: 280 / 3 });
  });

  it('has neither without incidents', () => {
    expect(computeReliability(computeUptime([at(0, HEALTHY)], 0, 10 * S, 10 * S))).toEqual({ mttrSeconds: undefined, mtbfSeconds: undefined });
  });
});

describe('computeSlaBudget', () => {
  const day = 24 * 3600;

  it('projects when the 30-day budget runs out at the observed rate', () => {
    // 1 day observed, 36 s down: 0.0417% down; 99.9% allows 2592 s in 30 days.
    const report = computeUptime([at(0, HEALTHY), at(1000, DOWN), at(1036, HEALTHY)], 0, day * S, day * S);
    const budget = computeSlaBudget(report, 99.9);
    expect(budget.slaMet).toBe(true);
    expect(budget.budgetSeconds).toBeCloseTo(2592);
    expect(budget.budgetRemainingSeconds).toBeCloseTo(2556);
    expect(budget.burnRate).toBeCloseTo(36 / day / 0.001);
    expect(budget.hoursToBreach).toBeCloseTo(2556 / (36 / day) / 3600);
    expect(budget.projection).toMatch(/^at this rate the 30-day SLA is breached in 1704\.0 hours \(burn rate 0\.42x\)$/);
  });

  it('says when the budget is spent', () => {
    const report = computeUptime([at(0, HEALTHY), at(1000, DOWN), at(4000, HEALTHY)], 0, day * S, day * S);
    expect(computeSlaBudget(report, 99.9)).toMatchObject({ slaMet: false, hoursToBreach: 0 });
  });

  it('gives a null (infinite) burn rate when a 100% target meets downtime, which GraphQL Float could not carry', () => {
    const report = computeUptime([at(0, HEALTHY), at(1000, DOWN), at(1001, HEALTHY)], 0, day * S, day * S);
    expect(computeSlaBudget(report, 100)).toMatchObject({ slaMet: false, burnRate: null, hoursToBreach: 0, budgetSeconds: 0 });
  });

  it('says nothing burns without downtime', () => {
    const budget = computeSlaBudget(computeUptime([at(0, HEALTHY)], 0, day * S, day * S), 99.99);
    expect(budget).toMatchObject({ burnRate: 0, hoursToBreach: undefined, projection: 'no downtime observed: the 30-day error budget is untouched' });
  });
});
