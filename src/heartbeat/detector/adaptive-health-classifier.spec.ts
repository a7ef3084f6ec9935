import { AgentStatus } from '../agent-status';
import { every, region, sleepLoop, Timeline, wobble } from '../../../test/support/classifier-timeline';
import { seededRandom } from '../../../test/support/seeded-random';
import { AdaptiveHealthClassifier, AgentSnapshot } from './adaptive-health-classifier';
import { seconds } from './verdict-reasons';

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

    it('goes SUSPECT once the silence is unlikely for the agent, and DOWN past downAfterTimeouts, after a crash', () => {
      const timeline = new Timeline();
      // A 2 s agent with +-30% jitter that dies after its last heartbeat before 300 s.
      const { beats } = sleepLoop(seededRandom(7), 2000, 0, 300_000);
      const last = beats[beats.length - 1];
      timeline.add('crashy', 2, beats);
      timeline.runUntil(300_000);
      const timeoutMs = timeline.classifier.timeoutMs('crashy', 2);
      timeline.runUntil(400_000);
      const [suspect, down, ...rest] = timeline.changesOf('crashy');
      expect(rest).toEqual([]);
      expect(suspect).toMatchObject({ from: AgentStatus.HEALTHY, to: AgentStatus.SUSPECT });
      expect(suspect.reason).toMatch(/^no heartbeat for \d\.\ds, suspicion φ \d\.\d \(threshold 5\.5; heartbeats every 2\.0s ± 0\.\ds, 1% lost\)$/);
      // Past three intervals (two lost heartbeats are 1e-4 likely), yet well before DOWN.
      expect(suspect.at - last).toBeGreaterThan(3 * 2000);
      expect(suspect.at - last).toBeLessThan(4.5 * 2000);
      // DOWN exactly where downAfterTimeouts alone put it before suspicion: at the first sweep past 2.75 timeouts.
      expect(down).toMatchObject({ from: AgentStatus.SUSPECT, to: AgentStatus.DOWN });
      expect(down.at).toBe(Math.floor((last + 2.75 * timeoutMs) / 1000) * 1000 + 1000);
      expect(down.reason).toBe(`no heartbeat for ${seconds(down.at - last)}, past 2.75 adaptive timeouts of ${seconds(timeoutMs)} (interval 2s)`);
    });

    it('keeps live agents with 1% loss and +-30% jitter out of SUSPECT for an hour', () => {
      const timeline = new Timeline();
      const random = seededRandom(13);
      const lostInARow: number[] = [];
      for (let i = 0; i < 20; i++) {
        const interval = i % 2 === 0 ? 1000 : 2000;
        const agent = sleepLoop(random, interval, random() * interval, 3_600_000, { loss: 0.01 });
        agent.lostInARow.forEach((n, k) => (lostInARow[k] = (lostInARow[k] ?? 0) + n));
        timeline.add(`live-${i}`, interval / 1000, agent.beats);
      }
      timeline.runUntil(3_600_000);
      // ~54,000 intervals: hundreds of single losses, a few double ones, none of them news.
      expect(lostInARow[1]).toBeGreaterThan(400);
      expect(lostInARow[2]).toBeGreaterThanOrEqual(2);
      expect(timeline.changes).toEqual([]);
    });

    it('takes two lost heartbeats of a regular agent for no crash, and says DOWN once it is suspect', () => {
      const timeline = new Timeline();
      const twoLost = (at: number) => Math.abs(at - 200_000) < 500 || Math.abs(at - 210_000) < 500;
      timeline.add('unlucky', 10, every(10_000, 0, 600_000, { jitter: wobble(100), skip: twoLost }));
      timeline.add('dead', 10, every(10_000, 0, 300_000, { jitter: wobble(100) }));
      timeline.runUntil(600_000);
      // Its timeout is about one interval: 2.75 timeouts alone would have called a silence of three intervals DOWN.
      expect(timeline.classifier.timeoutMs('unlucky', 10)).toBeLessThan(11_000);
      expect(timeline.changesOf('unlucky')).toEqual([]);
      const [down, ...rest] = timeline.changesOf('dead');
      expect(rest).toEqual([]);
      expect(down).toMatchObject({ from: AgentStatus.HEALTHY, to: AgentStatus.DOWN });
      // The last heartbeat was at 300 s (+-100 ms): three intervals and a little.
      expect(down.at).toBeGreaterThan(330_000);
      expect(down.at).toBeLessThan(336_000);
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
      expect(timeline.changesOf('sleepy').map((c) => c.to)).toEqual([AgentStatus.DOWN, AgentStatus.HEALTHY]);
      expect(timeline.changesOf('sleepy')[1]).toMatchObject({ at: 260_000, reason: 'heartbeats resumed after 60s silence' });
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
      expect(timeline.changesOf('back').map((c) => c.to)).toEqual([AgentStatus.DOWN, AgentStatus.HEALTHY]);
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
      // The smallest lower bound allowed, far below what this agent needs.
      const loose = new AdaptiveHealthClassifier({ minTimeoutMs: 100 });
      for (const at of every(1000, 0, 60_000, { jitter: wobble(20) })) {
        bounded.observe('one', at);
        loose.observe('one', at);
      }
      expect(bounded.timeoutMs('one', 1)).toBe(2_000);
      expect(loose.timeoutMs('one', 1)).toBeGreaterThan(1_000);
      expect(loose.timeoutMs('one', 1)).toBeLessThan(1_200);
    });

    it('never exceeds maxTimeoutFactor declared intervals', () => {
      const classifier = new AdaptiveHealthClassifier();
      const tighter = new AdaptiveHealthClassifier({ maxTimeoutFactor: 2 });
      let at = 0;
      for (let i = 0; i < 32; i++) {
        at += i % 2 === 0 ? 1_000 : 19_000;
        classifier.observe('wild', at);
        tighter.observe('wild', at);
      }
      expect(classifier.timeoutMs('wild', 10)).toBe(30_000);
      expect(tighter.timeoutMs('wild', 10)).toBe(20_000);
      // The bound never cuts a new agent's 1.5 intervals: a factor below that is refused (see the settings).
      expect(new AdaptiveHealthClassifier({ maxTimeoutFactor: 1.5 }).timeoutMs('x', 10)).toBe(15_000);
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
      expect(timeline.changesOf('hot').map((c) => c.to)).toEqual([AgentStatus.DEGRADED, AgentStatus.DOWN]);
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
  });
});
