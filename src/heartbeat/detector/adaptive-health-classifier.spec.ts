import type { Label } from '../../common/labels/label';
import { AgentStatus } from '../agent-status';
import {
  AdaptiveHealthClassifier,
  AgentSnapshot,
  ClassifierSettings,
  DEFAULT_CLASSIFIER_SETTINGS,
} from './adaptive-health-classifier';

interface Change {
  at: number;
  key: string;
  from: AgentStatus;
  to: AgentStatus;
  reason: string;
  group?: string;
}

/**
 * A scripted fleet: heartbeat arrival times are given up front, and the clock
 * only moves through `runUntil`, which delivers due heartbeats and sweeps every
 * second like the registry does.
 */
class Timeline {
  now = 0;
  readonly changes: Change[] = [];
  /** Groups as they appear in `partitionedGroups()`, once per appearance. */
  readonly groupEvents: { at: number; group: string }[] = [];
  private readonly agents: { snapshot: AgentSnapshot; beats: number[]; next: number; registered: boolean }[] = [];
  private previousGroups = new Set<string>();

  constructor(readonly classifier = new AdaptiveHealthClassifier()) {}

  add(key: string, intervalSeconds: number, beats: number[], labels: Label[] = [], extra: Partial<AgentSnapshot> = {}): void {
    const snapshot: AgentSnapshot = { key, status: AgentStatus.HEALTHY, lastHeartbeatAt: 0, intervalSeconds, labels, ...extra };
    this.agents.push({ snapshot, beats: [...beats].sort((a, b) => a - b), next: 0, registered: false });
  }

  runUntil(untilMs: number, sweepEveryMs = 1000): void {
    while (this.now + sweepEveryMs <= untilMs) {
      this.now += sweepEveryMs;
      const registered: AgentSnapshot[] = [];
      for (const agent of this.agents) {
        while (agent.next < agent.beats.length && agent.beats[agent.next] <= this.now) {
          const at = agent.beats[agent.next++];
          this.classifier.observe(agent.snapshot.key, at);
          agent.snapshot.lastHeartbeatAt = Math.max(agent.snapshot.lastHeartbeatAt, at);
          agent.registered = true;
        }
        if (agent.registered) registered.push(agent.snapshot);
      }
      const verdicts = this.classifier.sweep(registered, this.now);
      for (const snapshot of registered) {
        const verdict = verdicts.get(snapshot.key);
        if (verdict === undefined) continue;
        expect(verdict.status).not.toBe(snapshot.status);
        this.changes.push({ at: this.now, key: snapshot.key, from: snapshot.status, to: verdict.status, reason: verdict.reason, group: verdict.group });
        snapshot.status = verdict.status;
      }
      const groups = new Set(this.classifier.partitionedGroups());
      for (const group of groups) if (!this.previousGroups.has(group)) this.groupEvents.push({ at: this.now, group });
      this.previousGroups = groups;
    }
  }

  status(key: string): AgentStatus {
    return this.snapshot(key).status;
  }

  snapshot(key: string): AgentSnapshot {
    const agent = this.agents.find((a) => a.snapshot.key === key);
    if (agent === undefined) throw new Error(`no agent ${key}`);
    return agent.snapshot;
  }

  changesOf(key: string): Change[] {
    return this.changes.filter((c) => c.key === key);
  }
}

/** Arrival times every `intervalMs` from `fromMs` up to `toMs`, shifted by `jitter(n)` and dropped where `skip` says. */
function every(
  intervalMs: number,
  fromMs: number,
  toMs: number,
  options: { jitter?: (n: number) => number; skip?: (at: number) => boolean } = {},
): number[] {
  const beats: number[] = [];
  for (let n = 0, at = fromMs; at <= toMs; n++, at = fromMs + n * intervalMs) {
    const arrival = at + (options.jitter?.(n) ?? 0);
    if (!options.skip?.(arrival)) beats.push(arrival);
  }
  return beats;
}

/** Deterministic small jitter: +-`amplitude` ms, no pattern worth learning. */
const wobble = (amplitude: number) => (n: number) => (((n * 7919) % 13) / 6 - 1) * amplitude;

const region = (value: string, zone?: string): Label[] => [
  { name: 'region', value },
  ...(zone === undefined ? [] : [{ name: 'zone', value: zone }]),
  { name: 'team', value: 'qa' },
];

describe('AdaptiveHealthClassifier', () => {
  describe('liveness', () => {
    it('keeps a steady agent HEALTHY without a single change', () => {
      const timeline = new Timeline();
      timeline.add('steady', 5, every(5000, 700, 3_600_000, { jitter: wobble(400) }));
      timeline.runUntil(3_600_000);
      expect(timeline.changes).toEqual([]);
    });

    it('says HEALTHY for an agent first seen by the sweep', () => {
      const timeline = new Timeline();
      timeline.add('new', 10, [500], [], { status: AgentStatus.UNKNOWN });
      timeline.runUntil(1000);
      expect(timeline.changes).toEqual([expect.objectContaining({ to: AgentStatus.HEALTHY, reason: 'heartbeats on time' })]);
    });

    it('goes SUSPECT past one adaptive timeout and DOWN past two after a crash', () => {
      const timeline = new Timeline(new AdaptiveHealthClassifier({ downAfterTimeouts: 2 }));
      // Perfectly regular 10 s agent that dies after its heartbeat at 300 s.
      timeline.add('crashy', 10, every(10_000, 0, 300_000));
      timeline.runUntil(300_000);
      const timeout = timeline.classifier.timeoutMs('crashy', 10);
      expect(timeout).toBe(10_000);
      timeline.runUntil(400_000);
      expect(timeline.changesOf('crashy')).toEqual([
        {
          at: 311_000,
          key: 'crashy',
          from: AgentStatus.HEALTHY,
          to: AgentStatus.SUSPECT,
          reason: 'no heartbeat for 11s, past the adaptive timeout of 10s (interval 10s)',
          group: undefined,
        },
        {
          at: 321_000,
          key: 'crashy',
          from: AgentStatus.SUSPECT,
          to: AgentStatus.DOWN,
          reason: 'no heartbeat for 21s, past 2 adaptive timeouts of 10s (interval 10s)',
          group: undefined,
        },
      ]);
    });

    it('detects the crash of a jittery agent later than that of a regular one', () => {
      const timeline = new Timeline();
      timeline.add('regular', 10, every(10_000, 0, 300_000, { jitter: wobble(100) }));
      timeline.add('jittery', 10, every(10_000, 0, 300_000, { jitter: wobble(2500) }));
      timeline.runUntil(600_000);
      const downAt = (key: string) => timeline.changesOf(key).find((c) => c.to === AgentStatus.DOWN)!.at;
      expect(downAt('regular')).toBeLessThan(downAt('jittery'));
    });

    it('says how long the silence lasted when heartbeats resume', () => {
      const timeline = new Timeline();
      timeline.add('sleepy', 5, every(5000, 0, 600_000, { skip: (at) => at > 200_000 && at < 260_000 }));
      timeline.runUntil(600_000);
      expect(timeline.changesOf('sleepy').map((c) => c.to)).toEqual([AgentStatus.SUSPECT, AgentStatus.DOWN, AgentStatus.HEALTHY]);
      expect(timeline.changesOf('sleepy')[2]).toMatchObject({ at: 260_000, reason: 'heartbeats resumed after 60s silence' });
    });

    it('learns nothing from an outage: the timeout stays tight after it', () => {
      const timeline = new Timeline();
      timeline.add('back', 5, every(5000, 0, 900_000, { jitter: wobble(200), skip: (at) => at > 300_000 && at < 400_000 }));
      timeline.runUntil(290_000);
      const before = timeline.classifier.timeoutMs('back', 5);
      timeline.runUntil(410_000);
      expect(timeline.status('back')).toBe(AgentStatus.HEALTHY);
      expect(timeline.classifier.timeoutMs('back', 5)).toBeCloseTo(before, -2);
      timeline.runUntil(900_000);
      expect(timeline.changesOf('back').map((c) => c.to)).toEqual([AgentStatus.SUSPECT, AgentStatus.DOWN, AgentStatus.HEALTHY]);
    });

    it('keeps its history when an outage follows lost heartbeats', () => {
      const timeline = new Timeline();
      const lost = (at: number) => Math.abs(at - 400_000) < 500 || Math.abs(at - 408_000) < 500 || (at > 413_000 && at < 712_000);
      timeline.add('unlucky', 4, every(4000, 0, 1_200_000, { jitter: wobble(150), skip: lost }));
      timeline.runUntil(390_000);
      const before = timeline.classifier.timeoutMs('unlucky', 4);
      timeline.runUntil(1_200_000);
      expect(timeline.classifier.timeoutMs('unlucky', 4)).toBeCloseTo(before, -2);
      expect(timeline.classifier.jitterCv('unlucky')).toBeLessThan(0.1);
      expect(timeline.changesOf('unlucky').map((c) => c.to)).not.toContain(AgentStatus.DEGRADED);
    });

    it('takes a new rhythm once long gaps keep coming', () => {
      const classifier = new AdaptiveHealthClassifier();
      const sweep = (now: number, lastHeartbeatAt: number) =>
        classifier.sweep([{ key: 'a', status: AgentStatus.HEALTHY, lastHeartbeatAt, intervalSeconds: 60, labels: [] }], now);
      let at = 0;
      for (let i = 0; i < 40; i++, at += 1000) classifier.observe('a', at);
      sweep(at, at - 1000);
      const tight = classifier.timeoutMs('a', 60);
      expect(tight).toBe(2000);
      for (let i = 0; i < 10; i++) {
        at += 60_000;
        classifier.observe('a', at);
      }
      // The window restarted at the third long gap and has learnt the new rhythm since.
      expect(classifier.timeoutMs('a', 60)).toBe(60_000);
    });
  });

  describe('adaptive timeout', () => {
    it('uses 1.5 declared intervals for a new agent', () => {
      const classifier = new AdaptiveHealthClassifier();
      expect(classifier.timeoutMs('unknown', 10)).toBe(15_000);
      expect(classifier.timeoutMs('unknown', 60)).toBe(90_000);
      // The lower bound applies even here.
      expect(classifier.timeoutMs('unknown', 1)).toBe(2_000);
      // Fewer than minSamples inter-arrival times: still the declared interval.
      for (const at of [0, 2000, 4000, 6000, 8000]) classifier.observe('young', at);
      expect(classifier.timeoutMs('young', 10)).toBe(15_000);
      classifier.observe('young', 10_000);
      expect(classifier.timeoutMs('young', 10)).toBe(2_000);
    });

    it('tightens for a regular agent', () => {
      const classifier = new AdaptiveHealthClassifier();
      expect(classifier.timeoutMs('ten', 10)).toBe(15_000);
      for (const at of every(10_000, 0, 320_000, { jitter: wobble(100) })) classifier.observe('ten', at);
      const timeout = classifier.timeoutMs('ten', 10);
      expect(timeout).toBeGreaterThan(10_000);
      expect(timeout).toBeLessThan(11_000);
    });

    it('tightens for a regular 1 s agent down to the lower bound', () => {
      const bounded = new AdaptiveHealthClassifier();
      const unbounded = new AdaptiveHealthClassifier({ minTimeoutMs: 0 });
      for (const at of every(1000, 0, 60_000, { jitter: wobble(20) })) {
        bounded.observe('one', at);
        unbounded.observe('one', at);
      }
      expect(bounded.timeoutMs('one', 1)).toBe(2_000);
      expect(unbounded.timeoutMs('one', 1)).toBeGreaterThan(1_000);
      expect(unbounded.timeoutMs('one', 1)).toBeLessThan(1_200);
    });

    it('never exceeds maxTimeoutFactor declared intervals', () => {
      const classifier = new AdaptiveHealthClassifier();
      let at = 0;
      for (let i = 0; i < 32; i++) classifier.observe('wild', (at += i % 2 === 0 ? 1_000 : 19_000));
      expect(classifier.timeoutMs('wild', 10)).toBe(30_000);
      expect(new AdaptiveHealthClassifier({ maxTimeoutFactor: 1 }).timeoutMs('x', 10)).toBe(10_000);
    });

    it('starts afresh when the declared interval changes', () => {
      const timeline = new Timeline();
      timeline.add('switch', 1, [...every(1000, 0, 100_000), ...every(30_000, 130_000, 600_000)]);
      timeline.runUntil(100_000);
      timeline.snapshot('switch').intervalSeconds = 30;
      timeline.runUntil(600_000);
      expect(timeline.changesOf('switch')).toEqual([]);
    });

    it('is a query: asking with another interval changes nothing', () => {
      const classifier = new AdaptiveHealthClassifier();
      for (const at of every(10_000, 0, 200_000)) classifier.observe('q', at);
      const before = classifier.timeoutMs('q', 10);
      classifier.timeoutMs('q', 60);
      expect(classifier.timeoutMs('q', 10)).toBe(before);
    });
  });

  describe('DEGRADED', () => {
    it('flags an agent whose heartbeats arrive but irregularly', () => {
      const timeline = new Timeline();
      // Declared 7 s, gaps alternate 1 s and 9 s: variation ~0.8 of the mean, never late enough to be silent.
      const jittery = every(10_000, 0, 300_000).flatMap((at) => [at, at + 1000]);
      const calm = every(7000, 307_000, 900_000, { jitter: wobble(100) });
      timeline.add('jittery', 7, [...jittery, ...calm]);
      timeline.runUntil(900_000);
      const changes = timeline.changesOf('jittery');
      expect(changes.map((c) => c.to)).toEqual([AgentStatus.DEGRADED, AgentStatus.HEALTHY]);
      expect(changes[0].reason).toMatch(/^irregular heartbeats: inter-arrival variation \d\.\d\d of the mean \(threshold 0\.5\)$/);
      // Jitter is judged once 16 intervals are in.
      expect(changes[0].at).toBeLessThan(100_000);
      expect(changes[1].reason).toBe('heartbeats regular and readings normal again');
    });

    it('flags resource readings at the threshold and says which', () => {
      const timeline = new Timeline();
      timeline.add('hot', 5, every(5000, 0, 60_000), [], { cpu: 97, memory: 40, disk: 95 });
      timeline.add('fine', 5, every(5000, 0, 60_000), [], { cpu: 94.9, memory: 80, disk: 10 });
      timeline.runUntil(60_000);
      expect(timeline.changesOf('hot')).toEqual([
        expect.objectContaining({ to: AgentStatus.DEGRADED, reason: 'cpu at 97% (threshold 95%); disk at 95% (threshold 95%)' }),
      ]);
      expect(timeline.changesOf('fine')).toEqual([]);
    });

    it("flags the agent's own report of trouble", () => {
      const timeline = new Timeline();
      timeline.add('sad', 5, every(5000, 0, 60_000), [], { reportedStatus: 'error' });
      timeline.add('meh', 5, every(5000, 0, 60_000), [], { reportedStatus: 'degraded' });
      timeline.add('ok', 5, every(5000, 0, 60_000), [], { reportedStatus: 'ok' });
      timeline.runUntil(60_000);
      expect(timeline.changesOf('sad')[0].reason).toBe('agent reports status "error"');
      expect(timeline.changesOf('meh')[0].reason).toBe('agent reports status "degraded"');
      expect(timeline.changesOf('ok')).toEqual([]);
    });

    it('ranks silence above degradation', () => {
      const timeline = new Timeline();
      timeline.add('hot', 5, every(5000, 0, 50_000), [], { cpu: 99 });
      timeline.runUntil(120_000);
      expect(timeline.changesOf('hot').map((c) => c.to)).toEqual([AgentStatus.DEGRADED, AgentStatus.SUSPECT, AgentStatus.DOWN]);
    });
  });

  describe('PARTITIONED', () => {
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
      expect(timeline.classifier.partitionedGroups()).toEqual([]);

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
      expect(timeline.classifier.partitionedGroups()).toEqual(['region=eu-west']);
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
      for (const key of crashed) {
        expect(timeline.changesOf(key).map((c) => c.to)).toEqual([AgentStatus.SUSPECT, AgentStatus.DOWN]);
      }
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
      expect(timeline.changesOf('dead').map((c) => c.to)).toEqual([AgentStatus.SUSPECT, AgentStatus.DOWN]);
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

  describe('FLAPPING', () => {
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
      // Three rounds of SUSPECT, DOWN, recovery; the third recovery is FLAPPING instead.
      expect(changes.slice(0, toFlapping + 1).map((c) => c.to)).toEqual([
        AgentStatus.SUSPECT,
        AgentStatus.DOWN,
        AgentStatus.HEALTHY,
        AgentStatus.SUSPECT,
        AgentStatus.DOWN,
        AgentStatus.HEALTHY,
        AgentStatus.SUSPECT,
        AgentStatus.DOWN,
        AgentStatus.FLAPPING,
      ]);
      expect(changes[2].reason).toMatch(/^heartbeats resumed after \d+s silence$/);
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

  describe('sweep', () => {
    it('returns only changes, and nothing for an empty fleet', () => {
      const classifier = new AdaptiveHealthClassifier();
      expect(classifier.sweep([], 1000).size).toBe(0);
      const agent: AgentSnapshot = { key: 'a', status: AgentStatus.HEALTHY, lastHeartbeatAt: 1000, intervalSeconds: 5, labels: [] };
      expect(classifier.sweep([agent], 2000).size).toBe(0);
      expect(classifier.sweep([{ ...agent, status: AgentStatus.DOWN }], 2000).get('a')).toEqual({
        status: AgentStatus.HEALTHY,
        reason: 'heartbeats resumed',
      });
    });

    it('accepts any iterable, a generator included', () => {
      const classifier = new AdaptiveHealthClassifier();
      function* agents(): Generator<AgentSnapshot> {
        for (let i = 0; i < 10; i++) yield { key: `g${i}`, status: AgentStatus.HEALTHY, lastHeartbeatAt: 0, intervalSeconds: 1, labels: region('r') };
      }
      const changes = classifier.sweep(agents(), 60_000);
      expect(changes.size).toBe(10);
      expect([...changes.values()].every((v) => v.status === AgentStatus.PARTITIONED && v.group === 'region=r')).toBe(true);
    });

    it('tells the jitter of an agent once it has enough intervals', () => {
      const classifier = new AdaptiveHealthClassifier();
      expect(classifier.jitterCv('nobody')).toBeUndefined();
      const beats = every(10_000, 0, 400_000).flatMap((at) => [at, at + 2000]);
      for (const at of beats.slice(0, 10)) classifier.observe('j', at);
      expect(classifier.jitterCv('j')).toBeUndefined();
      for (const at of beats.slice(10)) classifier.observe('j', at);
      // Gaps of 2 s and 8 s: std 3.05 s (sample), mean 5 s.
      expect(classifier.jitterCv('j')).toBeCloseTo(0.61, 2);
    });

    it('forgets an agent entirely', () => {
      const classifier = new AdaptiveHealthClassifier();
      for (const at of every(10_000, 0, 300_000)) classifier.observe('x', at);
      expect(classifier.timeoutMs('x', 10)).toBe(10_000);
      classifier.forget('x');
      expect(classifier.timeoutMs('x', 10)).toBe(15_000);
    });
  });

  describe('settings', () => {
    it('defaults to the documented values', () => {
      expect(DEFAULT_CLASSIFIER_SETTINGS).toMatchObject<Partial<ClassifierSettings>>({
        minSamples: 5,
        jitterCvThreshold: 0.5,
        resourceThresholdPercent: 95,
        partitionGroupLabels: ['region', 'zone'],
        partitionMinAgents: 5,
        partitionSilentFraction: 0.5,
        flapWindowMs: 600_000,
        flapThreshold: 3,
        flapSettleMs: 600_000,
      });
      expect(Object.isFrozen(DEFAULT_CLASSIFIER_SETTINGS)).toBe(true);
    });

    it('takes partial settings and ignores undefined ones', () => {
      const classifier = new AdaptiveHealthClassifier({ minTimeoutMs: 5000, k: undefined });
      expect(classifier.timeoutMs('x', 1)).toBe(5000);
    });

    it.each<[Partial<ClassifierSettings>, RegExp]>([
      [{ k: -1 }, /k must be a number >= 0/],
      [{ minSamples: 1 }, /minSamples must be an integer from 2 to 32/],
      [{ minSamples: 40 }, /minSamples/],
      [{ downAfterTimeouts: 0.5 }, /downAfterTimeouts/],
      [{ partitionSilentFraction: 0 }, /partitionSilentFraction/],
      [{ flapThreshold: 0 }, /flapThreshold/],
      [{ maxTimeoutFactor: NaN }, /maxTimeoutFactor/],
    ])('refuses %j', (settings, message) => {
      expect(() => new AdaptiveHealthClassifier(settings)).toThrow(message);
    });
  });
});
