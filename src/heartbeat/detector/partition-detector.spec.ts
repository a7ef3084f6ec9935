import { AgentStatus } from '../agent-status';
import { every, region, Timeline, wobble } from '../../../test/support/classifier-timeline';

describe('AdaptiveHealthClassifier: PARTITIONED', () => {
  const intervals = [1, 2, 3, 5, 10];
  /** 20 agents per region, two zones each, mixed intervals and phases; `silent` says when a region is cut off. */
  function fleet(timeline: Timeline, regions: string[], silent: (regionName: string, at: number) => boolean, untilMs: number): void {
    for (const name of regions) {
      for (let i = 0; i < 20; i++) {
        const intervalSeconds = intervals[i % intervals.length];
        const beats = every(intervalSeconds * 1000, (i * 337) % (intervalSeconds * 1000), untilMs, {
          jitter: wobble(intervalSeconds * 50),
          skip: (at) => silent(name, at),
        });
        timeline.add(`${name}-${i}`, intervalSeconds, beats, region(name, `${name}-${'ab'[i % 2]}`));
      }
    }
  }

  it('puts a region that goes silent at once under one PARTITIONED group, and brings it back HEALTHY', () => {
    const timeline = new Timeline();
    const cut = (name: string, at: number) => name === 'eu-west' && at >= 600_000 && at < 900_000;
    fleet(timeline, ['eu-west', 'us-east'], cut, 1_500_000);
    timeline.runUntil(600_000);
    expect(timeline.changes).toEqual([]);

    timeline.runUntil(1_500_000);
    const west = timeline.changes.filter((c) => c.key.startsWith('eu-west'));
    expect(timeline.changes.filter((c) => c.key.startsWith('us-east'))).toEqual([]);
    expect(west.filter((c) => c.to === AgentStatus.DOWN)).toEqual([]);
    // The very first agents to miss a heartbeat cannot be told from a crash yet: SUSPECT for a moment at most.
    const suspects = west.filter((c) => c.to === AgentStatus.SUSPECT);
    expect(suspects.length).toBeLessThanOrEqual(2);
    for (const suspect of suspects) {
      expect(timeline.changesOf(suspect.key)[1]).toMatchObject({ at: suspect.at + 1000, to: AgentStatus.PARTITIONED });
    }
    const partitioned = west.filter((c) => c.to === AgentStatus.PARTITIONED);
    expect(partitioned).toHaveLength(20);
    for (const change of partitioned) {
      expect(change.group).toBe('region=eu-west');
      expect(change.reason).toMatch(/^\d+ of 20 agents in region=eu-west went silent together \((none|\d+) heard from since\)$/);
    }
    // The first ones in well under 30 s, all sharing one reason.
    const first = partitioned.filter((c) => c.at === partitioned[0].at);
    expect(partitioned[0].at - 600_000).toBeLessThanOrEqual(10_000);
    expect(first.length).toBeGreaterThanOrEqual(3);
    expect(new Set(first.map((c) => c.reason)).size).toBe(1);

    // One group event, for the region, not its zones.
    expect(timeline.groupEvents).toEqual([{ at: partitioned[0].at, group: 'region=eu-west' }]);
    expect(timeline.partitionedGroups()).toEqual([]);

    const recovered = west.filter((c) => c.from === AgentStatus.PARTITIONED);
    expect(recovered).toHaveLength(20);
    for (const change of recovered) {
      expect(change.to).toBe(AgentStatus.HEALTHY);
      expect(change.reason).toMatch(/^heartbeats resumed after \d+s silence$/);
      expect(change.at).toBeGreaterThanOrEqual(900_000);
    }
  });

  it('reports the group while the partition lasts', () => {
    const timeline = new Timeline();
    fleet(timeline, ['eu-west', 'us-east'], (name, at) => name === 'eu-west' && at >= 600_000, 1_200_000);
    timeline.runUntil(660_000);
    expect(timeline.partitionedGroups()).toEqual(['region=eu-west']);
    expect(timeline.changes.every((c) => c.to === AgentStatus.PARTITIONED || c.to === AgentStatus.SUSPECT)).toBe(true);
    for (let i = 0; i < 20; i++) expect(timeline.status(`eu-west-${i}`)).toBe(AgentStatus.PARTITIONED);
    for (let i = 0; i < 20; i++) expect(timeline.status(`us-east-${i}`)).toBe(AgentStatus.HEALTHY);
  });

  it('uses a zone as the group when only the zone goes silent', () => {
    const timeline = new Timeline();
    fleet(timeline, ['eu-west'], () => false, 1_200_000);
    // A second zone in the same region, cut off at 600 s.
    for (let i = 0; i < 12; i++) {
      timeline.add(`b-${i}`, 2, every(2000, i * 150, 599_000), region('eu-west', 'eu-west-z'));
    }
    timeline.runUntil(700_000);
    const partitioned = timeline.changes.filter((c) => c.to === AgentStatus.PARTITIONED);
    expect(partitioned).toHaveLength(12);
    expect(new Set(partitioned.map((c) => c.group))).toEqual(new Set(['zone=eu-west-z']));
    expect(timeline.changes.filter((c) => !c.key.startsWith('b-'))).toEqual([]);
  });

  it('still says DOWN for a few crashes in a big region', () => {
    const timeline = new Timeline();
    for (let i = 0; i < 50; i++) {
      // Agents 0 and 1 crash at the same moment; 10..14 crash a minute later, together.
      const end = i < 2 ? 400_000 : i >= 10 && i < 15 ? 460_000 : 900_000;
      timeline.add(`node-${i}`, 5, every(5000, (i * 97) % 5000, end, { jitter: wobble(200) }), region('eu-west', `z${i % 3}`));
    }
    timeline.runUntil(900_000);
    const crashed = [0, 1, 10, 11, 12, 13, 14].map((i) => `node-${i}`);
    // Regular agents: DOWN as soon as they are suspect (see the classifier's spec).
    for (const key of crashed) expect(timeline.changesOf(key).map((c) => c.to)).toEqual([AgentStatus.DOWN]);
    expect(timeline.changes.filter((c) => !crashed.includes(c.key))).toEqual([]);
    expect(timeline.groupEvents).toEqual([]);
  });

  it('does not judge small groups', () => {
    const timeline = new Timeline();
    for (let i = 0; i < 4; i++) timeline.add(`tiny-${i}`, 2, every(2000, i * 100, 100_000), region('moon'));
    timeline.runUntil(200_000);
    expect(timeline.changes.filter((c) => c.to === AgentStatus.PARTITIONED)).toEqual([]);
    expect(timeline.changes.filter((c) => c.to === AgentStatus.DOWN)).toHaveLength(4);
  });

  it('leaves agents that were DOWN before the partition DOWN', () => {
    const timeline = new Timeline();
    fleet(timeline, ['eu-west'], (_name, at) => at >= 600_000, 1_000_000);
    timeline.add('dead', 5, every(5000, 0, 200_000), region('eu-west', 'eu-west-a'));
    timeline.runUntil(700_000);
    expect(timeline.changesOf('dead').map((c) => c.to)).toEqual([AgentStatus.DOWN]);
    expect(timeline.changes.filter((c) => c.to === AgentStatus.PARTITIONED)).toHaveLength(20);
  });

  it('says DOWN for an agent that does not come back after the partition ends', () => {
    const timeline = new Timeline();
    fleet(timeline, ['eu-west'], (_name, at) => at >= 600_000 && at < 900_000, 1_500_000);
    // Same region, cut off with the others, never returns.
    timeline.add('lost', 5, every(5000, 0, 599_000), region('eu-west', 'eu-west-a'));
    timeline.runUntil(1_500_000);
    const lost = timeline.changesOf('lost').filter((c) => c.to !== AgentStatus.SUSPECT);
    expect(lost.map((c) => c.to)).toEqual([AgentStatus.PARTITIONED, AgentStatus.DOWN]);
    expect(lost[1].reason).toMatch(/^no heartbeat for \d+s, still silent \d+s after the partition of region=eu-west ended$/);
    expect(lost[1].at).toBeGreaterThan(900_000);
    expect(lost[1].at).toBeLessThan(960_000);
  });
});
