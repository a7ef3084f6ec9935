import { AgentStatus } from '../agent-status';
import { every, Timeline, wobble } from '../../../test/support/classifier-timeline';

describe('AdaptiveHealthClassifier: FLAPPING', () => {
  /** A 2 s agent that is away 40 s of every 80 s between `fromMs` and `toMs`. */
  function flapper(timeline: Timeline, key: string, fromMs: number, toMs: number, untilMs: number): void {
    const away = (at: number) => at >= fromMs && at < toMs && (at - fromMs) % 80_000 < 40_000;
    timeline.add(key, 2, every(2000, 0, untilMs, { jitter: wobble(100), skip: away }));
  }

  it('makes one FLAPPING change, holds back the churn, then settles HEALTHY', () => {
    const timeline = new Timeline();
    flapper(timeline, 'flappy', 300_000, 900_000, 2_400_000);
    timeline.add('calm', 2, every(2000, 500, 2_400_000, { jitter: wobble(100) }));
    timeline.runUntil(2_400_000);

    const changes = timeline.changesOf('flappy');
    const toFlapping = changes.findIndex((c) => c.to === AgentStatus.FLAPPING);
    // Three rounds of DOWN (a regular agent is DOWN as soon as it is suspect) and recovery; the third recovery is FLAPPING instead.
    expect(changes.slice(0, toFlapping + 1).map((c) => c.to)).toEqual([
      AgentStatus.DOWN,
      AgentStatus.HEALTHY,
      AgentStatus.DOWN,
      AgentStatus.HEALTHY,
      AgentStatus.DOWN,
      AgentStatus.FLAPPING,
    ]);
    expect(changes[1].reason).toMatch(/^heartbeats resumed after \d+s silence$/);
    expect(changes[toFlapping].reason).toMatch(/^recovered from DOWN 3 times within \d+s; changes held back until 600s without DOWN$/);
    // Outages start every 80 s from 300 s: the third recovery is just after 500 s.
    expect(changes[toFlapping].at).toBeGreaterThanOrEqual(500_000);
    expect(changes[toFlapping].at).toBeLessThan(504_000);

    // Suppressed churn: the four later outages produce nothing, then one settling change.
    expect(changes.slice(toFlapping + 1)).toEqual([
      expect.objectContaining({ from: AgentStatus.FLAPPING, to: AgentStatus.HEALTHY, reason: 'no DOWN for 600s, flapping is over' }),
    ]);
    const settledAt = changes[changes.length - 1].at;
    // The last outage ends at 900 s.
    expect(settledAt).toBeGreaterThanOrEqual(900_000 + 600_000);
    expect(settledAt).toBeLessThan(900_000 + 600_000 + 5_000);
    expect(timeline.changesOf('calm')).toEqual([]);
  });

  it('does not count recoveries that are further apart than the window', () => {
    const timeline = new Timeline();
    // Three outages, each 6 minutes apart: only two ever fall within 10 minutes.
    const away = (at: number) => [300_000, 660_000, 1_020_000].some((start) => at >= start && at < start + 40_000);
    timeline.add('rare', 2, every(2000, 0, 1_400_000, { jitter: wobble(100), skip: away }));
    timeline.runUntil(1_400_000);
    expect(timeline.changesOf('rare').map((c) => c.to)).not.toContain(AgentStatus.FLAPPING);
    expect(timeline.changesOf('rare').filter((c) => c.to === AgentStatus.DOWN)).toHaveLength(3);
  });

  it('says DOWN for a flapping agent that stays away', () => {
    const timeline = new Timeline();
    const away = (at: number) => (at >= 300_000 && (at - 300_000) % 80_000 < 40_000) || at >= 560_000;
    timeline.add('gone', 2, every(2000, 0, 2_000_000, { jitter: wobble(100), skip: away }));
    timeline.runUntil(2_000_000);
    const changes = timeline.changesOf('gone');
    expect(changes[changes.length - 2].to).toBe(AgentStatus.FLAPPING);
    expect(changes[changes.length - 1]).toMatchObject({ from: AgentStatus.FLAPPING, to: AgentStatus.DOWN });
    expect(changes[changes.length - 1].reason).toMatch(/^no heartbeat for 60\ds while flapping$/);
  });
});
