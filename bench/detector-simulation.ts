/**
 * Failure-detection simulation: one virtual hour of 10,000 agents fed to the
 * AdaptiveHealthClassifier, swept every simulated second, with crashes, a
 * region partition and flapping agents injected, for two fleets: `mixed` (the
 * interval bands below), `fast` (1-2 s, like the real-time probe, where an
 * hour holds ~2,700 heartbeats per agent and so the most chances of a false
 * alarm) and `regular` (1-10 s, +-2% jitter: precise timers). Deterministic
 * (seeded PRNG, virtual clock); prints one JSON object.
 *
 *   npx tsc --outDir /tmp/simout --module commonjs --target es2022 --strict \
 *     --experimentalDecorators --skipLibCheck bench/detector-simulation.ts
 *   NODE_PATH=$PWD/node_modules node /tmp/simout/bench/detector-simulation.js [seed] [fleet]
 *
 * Traffic model (per agent):
 * - declared interval: `mixed` 40% 1-10 s, 35% 11-30 s, 25% 31-60 s (uniform within each
 *   band); `fast` 1 or 2 s; `regular` 1-10 s;
 * - each interval between sends varies +-30% (`regular`: +-2%; uniform), so timing drifts
 *   like a sleep loop;
 * - 1% of heartbeats are lost, independently;
 * - 0.2% are delayed by 0.2-1.5 intervals, and the heartbeats sent meanwhile queue behind
 *   them and arrive a few milliseconds later (a burst);
 * - labels region (5 regions, 30/20/20/15/15%) and zone (3 per region).
 * Injected: 100 crashes, a 5-minute partition of the 20% region, 50 flappers
 * (~40 s down / ~40 s up for 10 minutes). Flappers are drawn from agents with intervals
 * of at most 5 s: a 40 s outage is only a few missed heartbeats for slower agents.
 */
import { seededRandom } from '../test/support/seeded-random';
import { AgentStatus } from '../src/heartbeat/agent-status';
import { AdaptiveHealthClassifier, AgentSnapshot, Verdict } from '../src/heartbeat/detector/adaptive-health-classifier';
import { ClassifierSettings, DEFAULT_CLASSIFIER_SETTINGS } from '../src/heartbeat/detector/classifier-settings';

const SEED = Number(process.argv[2] ?? 20240611);
interface Fleet {
  intervals: string;
  /** Declared interval, seconds, from a uniform draw in [0, 1). */
  draw: (band: number, integer: (low: number, high: number) => number) => number;
  /** Each interval between sends varies by up to this fraction (uniform). */
  jitter: number;
}
const FLEETS: Record<string, Fleet> = {
  mixed: {
    intervals: '40% 1-10s, 35% 11-30s, 25% 31-60s',
    draw: (band, integer) => (band < 0.4 ? integer(1, 10) : band < 0.75 ? integer(11, 30) : integer(31, 60)),
    jitter: 0.3,
  },
  fast: { intervals: '1 or 2 s', draw: (band) => (band < 0.5 ? 1 : 2), jitter: 0.3 },
  // Agents on precise timers: their adaptive timeout is close to one interval.
  regular: { intervals: '1-10s', draw: (_band, integer) => integer(1, 10), jitter: 0.02 },
};
const AGENTS = 10_000;
const DURATION_MS = 3_600_000;
const SWEEP_MS = 1_000;
const LOSS = 0.01;
const DELAY_PROBABILITY = 0.002;
const CRASHES = 100;
const FLAPPERS = 50;
const REGIONS = ['us-east', 'eu-west', 'ap-south', 'us-west', 'sa-east'];
const REGION_WEIGHTS = [0.3, 0.2, 0.2, 0.15, 0.15];
const PARTITIONED_REGION = 1;
const PARTITION_START_MS = 20 * 60_000;
const PARTITION_END_MS = PARTITION_START_MS + 5 * 60_000;
/** After the partition heals, silent members still count as partition members for this long. */
const PARTITION_AFTERMATH_MS = 10 * 60_000;

/** Settings under test: the defaults, overridable with CLASSIFIER_SETTINGS='{"k":5}'. */
const SETTINGS: ClassifierSettings = {
  ...DEFAULT_CLASSIFIER_SETTINGS,
  ...(JSON.parse(process.env.CLASSIFIER_SETTINGS ?? '{}') as Partial<ClassifierSettings>),
};

/** Min-heap of (time, agent, kind) events on typed arrays. */
class EventQueue {
  private times = new Float64Array(1 << 16);
  private payloads = new Int32Array(1 << 16);
  size = 0;

  push(time: number, payload: number): void {
    if (this.size === this.times.length) {
      const times = new Float64Array(this.size * 2);
      const payloads = new Int32Array(this.size * 2);
      times.set(this.times);
      payloads.set(this.payloads);
      this.times = times;
      this.payloads = payloads;
    }
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.times[parent] <= time) break;
      this.times[i] = this.times[parent];
      this.payloads[i] = this.payloads[parent];
      i = parent;
    }
    this.times[i] = time;
    this.payloads[i] = payload;
  }

  peekTime(): number {
    return this.size === 0 ? Infinity : this.times[0];
  }

  /** Removes the earliest event; returns its payload (its time is peekTime() before the call). */
  pop(): number {
    const top = this.payloads[0];
    const lastTime = this.times[--this.size];
    const lastPayload = this.payloads[this.size];
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && this.times[child + 1] < this.times[child]) child++;
      if (this.times[child] >= lastTime) break;
      this.times[i] = this.times[child];
      this.payloads[i] = this.payloads[child];
      i = child;
    }
    this.times[i] = lastTime;
    this.payloads[i] = lastPayload;
    return top;
  }
}

interface SimAgent extends AgentSnapshot {
  index: number;
}

const SEND = 0;
const ARRIVE = 1;

function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
const round = (value: number | null, digits = 1) => (value === null ? null : Number(value.toFixed(digits)));
const seconds = (ms: number | null) => round(ms === null ? null : ms / 1000);

function simulate(fleetName: string) {
  const fleet = FLEETS[fleetName];
  const random = seededRandom(SEED);
  const uniform = (low: number, high: number) => low + (high - low) * random();
  const integer = (low: number, high: number) => Math.floor(uniform(low, high + 1));

  // Population.
  const intervalMs = new Float64Array(AGENTS);
  const region = new Int32Array(AGENTS);
  const crashAt = new Float64Array(AGENTS).fill(Infinity);
  const holdUntil = new Float64Array(AGENTS);
  const lastArrivalAt = new Float64Array(AGENTS).fill(-Infinity);
  const flapStart = new Float64Array(AGENTS).fill(Infinity);
  const flapOutages = new Array<Array<[number, number]>>(AGENTS);
  const agents = new Array<SimAgent | undefined>(AGENTS);
  const registered: SimAgent[] = [];

  for (let i = 0; i < AGENTS; i++) {
    intervalMs[i] = fleet.draw(random(), integer) * 1000;
    let pick = random();
    let r = 0;
    while (r < REGIONS.length - 1 && pick >= REGION_WEIGHTS[r]) pick -= REGION_WEIGHTS[r++];
    region[i] = r;
  }

  const isPartitionMember = (i: number) => region[i] === PARTITIONED_REGION;
  const inPartition = (i: number, t: number) => isPartitionMember(i) && t >= PARTITION_START_MS && t < PARTITION_END_MS;

  // Flappers: short-interval agents, ~40 s down / ~40 s up for 10 minutes, after the partition.
  const flappers: number[] = [];
  while (flappers.length < FLAPPERS) {
    const i = integer(0, AGENTS - 1);
    if (intervalMs[i] > 5000 || flapStart[i] !== Infinity) continue;
    const start = uniform(27 * 60_000, 35 * 60_000);
    flapStart[i] = start;
    const outages: Array<[number, number]> = [];
    for (let t = start; t < start + 10 * 60_000;) {
      const down = uniform(35_000, 45_000);
      outages.push([t, t + down]);
      t += down + uniform(35_000, 45_000);
    }
    flapOutages[i] = outages;
    flappers.push(i);
  }
  const isFlapping = (i: number, t: number) => {
    if (t < flapStart[i]) return false;
    for (const [from, to] of flapOutages[i]) if (t >= from && t < to) return true;
    return false;
  };

  // Crashes: anywhere except flappers, and never around the partition of the victim's region.
  const crashed: number[] = [];
  while (crashed.length < CRASHES) {
    const i = integer(0, AGENTS - 1);
    if (flapStart[i] !== Infinity || crashAt[i] !== Infinity) continue;
    const at = uniform(5 * 60_000, 52 * 60_000);
    if (isPartitionMember(i) && at > PARTITION_START_MS - 5 * 60_000 && at < PARTITION_END_MS + PARTITION_AFTERMATH_MS) continue;
    crashAt[i] = at;
    crashed.push(i);
  }

  const queue = new EventQueue();
  for (let i = 0; i < AGENTS; i++) queue.push(uniform(0, intervalMs[i]), i * 2 + SEND);

  let heartbeats = 0;
  function onSend(i: number, sentAt: number): void {
    if (sentAt >= crashAt[i]) return;
    queue.push(sentAt + intervalMs[i] * uniform(1 - fleet.jitter, 1 + fleet.jitter), i * 2 + SEND);
    heartbeats++;
    if (random() < LOSS || isFlapping(i, sentAt)) return;
    let arrival = sentAt + uniform(5, 50);
    if (holdUntil[i] > sentAt) {
      // Queued behind a delayed heartbeat: arrives right after it.
      arrival = holdUntil[i] + uniform(2, 20);
      holdUntil[i] = arrival;
    } else if (random() < DELAY_PROBABILITY) {
      arrival = sentAt + intervalMs[i] * uniform(0.2, 1.5);
      holdUntil[i] = arrival;
    }
    if (inPartition(i, sentAt) || inPartition(i, arrival)) return;
    queue.push(arrival, i * 2 + ARRIVE);
  }

  const classifier = new AdaptiveHealthClassifier(SETTINGS);

  function onArrive(i: number, at: number): void {
    let agent = agents[i];
    if (agent === undefined) {
      const r = REGIONS[region[i]];
      agent = {
        index: i,
        key: `agent-${i}`,
        status: AgentStatus.HEALTHY,
        lastHeartbeatAt: at,
        intervalSeconds: intervalMs[i] / 1000,
        labels: [
          { name: 'region', value: r },
          { name: 'zone', value: `${r}-${'abc'[i % 3]}` },
          { name: 'team', value: `team-${i % 7}` },
        ],
        reportedStatus: 'ok',
      };
      agents[i] = agent;
      registered.push(agent);
    }
    classifier.observe(agent.key, at);
    if (at > agent.lastHeartbeatAt) agent.lastHeartbeatAt = at;
    if (at > lastArrivalAt[i]) lastArrivalAt[i] = at;
  }

  // Measurements.
  /** Silence (since the last heartbeat that arrived) when a crashed agent was first SUSPECT, and DOWN. */
  const crashSuspectMs = new Float64Array(AGENTS).fill(NaN);
  const crashDownMs = new Float64Array(AGENTS).fill(NaN);
  /** Live agents (never crashed nor flapping; partition members outside its span) that went SUSPECT. */
  const suspectedLive = new Set<number>();
  const falseVerdicts = { DOWN: 0, SUSPECT: 0, DEGRADED: 0, PARTITIONED: 0, FLAPPING: 0 };
  const falseExamples: string[] = [];
  let partitionDetectedAt = NaN;
  let partitionMemberDowns = 0;
  let partitionMemberSuspects = 0;
  let partitionMemberPartitioned = 0;
  let partitionMemberRecoveries = 0;
  const groupEvents: Array<{ group: string; atSecond: number }> = [];
  /** PARTITIONED agents per group: a group event is its first one, as the registry and alerting count them. */
  const partitionedMembers = new Map<string, number>();
  const partitionGroup: (string | undefined)[] = [];
  const flapperClassified = new Set<number>();
  let flapperChanges = 0;
  const settled = new Uint8Array(AGENTS);
  let flappersSettled = 0;
  const sweepMs: number[] = [];

  function record(agent: SimAgent, status: AgentStatus, reason: string, now: number): void {
    const i = agent.index;
    if (now >= flapStart[i]) {
      // From the first outage until the flapping is over.
      if (settled[i] === 0) flapperChanges++;
      if (status === AgentStatus.FLAPPING) flapperClassified.add(i);
      if (agent.status === AgentStatus.FLAPPING && status !== AgentStatus.FLAPPING && status !== AgentStatus.DOWN) {
        flappersSettled++;
        settled[i] = 1;
      }
      return;
    }
    if (now >= crashAt[i]) {
      if (status === AgentStatus.SUSPECT && Number.isNaN(crashSuspectMs[i])) crashSuspectMs[i] = now - lastArrivalAt[i];
      if (status === AgentStatus.DOWN && Number.isNaN(crashDownMs[i])) crashDownMs[i] = now - lastArrivalAt[i];
      return;
    }
    // During the partition every verdict on a member is about it; afterwards only DOWN
    // (not back in time) and the way back from PARTITIONED are.
    const during = now >= PARTITION_START_MS && now < PARTITION_END_MS;
    const after = now >= PARTITION_END_MS && now < PARTITION_END_MS + PARTITION_AFTERMATH_MS;
    const fromPartition = agent.status === AgentStatus.PARTITIONED;
    if (isPartitionMember(i) && (during || (after && (status === AgentStatus.DOWN || fromPartition)))) {
      if (status === AgentStatus.DOWN) partitionMemberDowns++;
      if (status === AgentStatus.SUSPECT) partitionMemberSuspects++;
      if (status === AgentStatus.PARTITIONED) partitionMemberPartitioned++;
      if (fromPartition && status === AgentStatus.HEALTHY) partitionMemberRecoveries++;
      return;
    }
    if (status in falseVerdicts) {
      falseVerdicts[status as keyof typeof falseVerdicts]++;
      if (status === AgentStatus.SUSPECT && crashAt[i] === Infinity && flapStart[i] === Infinity) suspectedLive.add(i);
      if (status !== AgentStatus.SUSPECT && falseExamples.length < 8) {
        falseExamples.push(`t=${(now / 1000).toFixed(0)}s ${agent.key} ${status}: ${reason}`);
      }
    }
  }

  function countPartition(agent: SimAgent, verdict: Verdict, now: number): void {
    const left = partitionGroup[agent.index];
    if (left !== undefined) partitionedMembers.set(left, partitionedMembers.get(left)! - 1);
    const group = verdict.status === AgentStatus.PARTITIONED ? verdict.group : undefined;
    partitionGroup[agent.index] = group;
    if (group === undefined) return;
    const before = partitionedMembers.get(group) ?? 0;
    partitionedMembers.set(group, before + 1);
    if (before > 0) return;
    groupEvents.push({ group, atSecond: now / 1000 });
    if (group === `region=${REGIONS[PARTITIONED_REGION]}` && Number.isNaN(partitionDetectedAt)) partitionDetectedAt = now;
  }

  const startedAt = process.hrtime.bigint();
  for (let now = SWEEP_MS; now <= DURATION_MS; now += SWEEP_MS) {
    while (queue.peekTime() <= now) {
      const at = queue.peekTime();
      const payload = queue.pop();
      if ((payload & 1) === SEND) onSend(payload >> 1, at);
      else onArrive(payload >> 1, at);
    }
    const before = process.hrtime.bigint();
    const changes = classifier.sweep(registered, now);
    sweepMs.push(Number(process.hrtime.bigint() - before) / 1e6);
    for (const agent of registered) {
      const verdict = changes.get(agent.key);
      if (verdict === undefined) continue;
      record(agent, verdict.status, verdict.reason, now);
      countPartition(agent, verdict, now);
      agent.status = verdict.status;
    }
  }
  const runtimeMs = Number(process.hrtime.bigint() - startedAt) / 1e6;

  /** Silences at detection of the given crashes, by the classifier's first SUSPECT or its DOWN verdict. */
  const latencySummary = (victims: number[], silences: Float64Array) => {
    const latencies = victims.map((i) => silences[i]).filter((v) => !Number.isNaN(v));
    return {
      crashes: victims.length,
      detected: latencies.length,
      p50Seconds: seconds(percentile(latencies, 50)),
      p99Seconds: seconds(percentile(latencies, 99)),
      maxSeconds: seconds(latencies.length === 0 ? null : Math.max(...latencies)),
    };
  };
  const byInterval = (silences: Float64Array) =>
    Object.fromEntries(
      [
        ['<=10s', 1, 10],
        ['11-30s', 11, 30],
        ['31-60s', 31, 60],
      ].flatMap(([name, low, high]) => {
        const victims = crashed.filter((i) => intervalMs[i] >= Number(low) * 1000 && intervalMs[i] <= Number(high) * 1000);
        return victims.length === 0 ? [] : [[name, latencySummary(victims, silences)]];
      }),
    );
  const overInterval = (silences: Float64Array) => {
    const relative = crashed.filter((i) => !Number.isNaN(silences[i])).map((i) => silences[i] / intervalMs[i]);
    return { p50: round(percentile(relative, 50), 2), p99: round(percentile(relative, 99), 2) };
  };
  const liveAgents = registered.filter((a) => crashAt[a.index] === Infinity && flapStart[a.index] === Infinity).length;

  const report = {
    agents: AGENTS,
    simulatedSeconds: DURATION_MS / 1000,
    sweepIntervalMs: SWEEP_MS,
    runtimeSeconds: round(runtimeMs / 1000, 2),
    model: { jitter: `+-${fleet.jitter * 100}% per interval`, loss: LOSS, delayedBursts: DELAY_PROBABILITY, intervals: fleet.intervals },
    heartbeatsPerAgentHour: round(heartbeats / AGENTS / (DURATION_MS / 3_600_000), 0),
    liveSuspect: {
      liveAgents,
      transitions: falseVerdicts.SUSPECT,
      agents: suspectedLive.size,
      percentOfLiveAgentsPerHour: round((100 * suspectedLive.size) / liveAgents / (DURATION_MS / 3_600_000), 2),
    },
    falseDown: falseVerdicts.DOWN,
    crash: {
      crashes: crashed.length,
      suspectedBeforeDown: crashed.filter((i) => !Number.isNaN(crashSuspectMs[i])).length,
      toSuspect: { all: latencySummary(crashed, crashSuspectMs), byInterval: byInterval(crashSuspectMs), latencyOverInterval: overInterval(crashSuspectMs) },
      toDown: { all: latencySummary(crashed, crashDownMs), byInterval: byInterval(crashDownMs), latencyOverInterval: overInterval(crashDownMs) },
    },
    falseDegraded: falseVerdicts.DEGRADED,
    falsePartitioned: falseVerdicts.PARTITIONED,
    falseFlapping: falseVerdicts.FLAPPING,
    falseExamples,
    partition: {
      group: `region=${REGIONS[PARTITIONED_REGION]}`,
      members: registered.filter((a) => isPartitionMember(a.index)).length,
      silentSeconds: (PARTITION_END_MS - PARTITION_START_MS) / 1000,
      detectedAfterSeconds: round((partitionDetectedAt - PARTITION_START_MS) / 1000),
      groupEvents: groupEvents.length,
      groupEventList: groupEvents,
      partitionedVerdicts: partitionMemberPartitioned,
      suspectVerdictsAmongMembers: partitionMemberSuspects,
      downVerdictsAmongMembers: partitionMemberDowns,
      recoveredToHealthy: partitionMemberRecoveries,
    },
    flapping: {
      agents: flappers.length,
      classifiedFlapping: flapperClassified.size,
      statusChanges: flapperChanges,
      changesPerFlapper: round(flapperChanges / flappers.length),
      settledToHealthy: flappersSettled,
    },
    sweep: { agents: registered.length, meanMs: round(sweepMs.reduce((a, b) => a + b, 0) / sweepMs.length, 3), p99Ms: round(percentile(sweepMs, 99), 3) },
  };
  return report;
}

const only = process.argv[3];
if (only !== undefined && !(only in FLEETS)) throw new Error(`unknown fleet ${only}: one of ${Object.keys(FLEETS).join(', ')}`);
const fleets = Object.fromEntries((only === undefined ? Object.keys(FLEETS) : [only]).map((name) => [name, simulate(name)]));
process.stdout.write(`${JSON.stringify({ benchmark: 'detector-simulation', seed: SEED, settings: SETTINGS, fleets }, null, 2)}\n`);
