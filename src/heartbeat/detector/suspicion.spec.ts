import { suspicion } from './suspicion';

describe('suspicion (phi accrual with lost heartbeats)', () => {
  const mean = 1000;
  const std = 100;

  it('is 0 before any time has passed', () => {
    expect(suspicion(0, mean, std, 0.01)).toBe(0);
  });

  it("is Akka's normal phi when no heartbeat is ever lost", () => {
    // One std past the mean: P(Z > 1) = 0.1587; three: 0.00135.
    expect(suspicion(1100, mean, std, 0)).toBeCloseTo(-Math.log10(0.158655), 4);
    expect(suspicion(1300, mean, std, 0)).toBeCloseTo(-Math.log10(0.0013499), 3);
  });

  it('grows by about -log10(loss) for each heartbeat missing', () => {
    // Halfway between heartbeats of a regular agent, the silence is as likely as that many losses in a row.
    for (const [missing, loss] of [
      [1, 0.01],
      [2, 0.01],
      [3, 0.01],
      [2, 0.05],
    ]) {
      expect(suspicion((missing + 0.5) * mean, mean, 50, loss)).toBeCloseTo(-missing * Math.log10(loss), 1);
    }
  });

  it('never falls as the silence goes on', () => {
    let previous = 0;
    for (let t = 0; t <= 10_000; t += 50) {
      const phi = suspicion(t, mean, 250, 0.01);
      expect(phi).toBeGreaterThanOrEqual(previous);
      previous = phi;
    }
    expect(previous).toBeGreaterThan(16);
  });

  it('is lower for an agent that loses more, or whose heartbeats vary more', () => {
    expect(suspicion(3600, mean, std, 0.05)).toBeLessThan(suspicion(3600, mean, std, 0.01));
    expect(suspicion(3600, mean, 300, 0.01)).toBeLessThan(suspicion(3600, mean, std, 0.01));
  });

  it('stays finite after a very long silence', () => {
    expect(suspicion(3_600_000, mean, std, 0.0001)).toBeLessThanOrEqual(324);
  });
});
