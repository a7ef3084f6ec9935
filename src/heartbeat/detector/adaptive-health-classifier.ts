import type { Label } from '../../common/labels/label';
import { AgentState } from '../agent-state';
import { AgentStatus } from '../agent-status';
import { InterArrivalWindow } from './inter-arrival-window';

export interface ClassifierSettings {
  /** Adaptive timeout = mean + k * std of the agent's recent inter-arrival times. */
  k: number;
  /** Lower bound of the adaptive timeout, ms: network hiccups below this are never suspicious. */
  minTimeoutMs: number;
  /** Upper bound of the adaptive timeout, as a multiple of the declared interval. */
  maxTimeoutFactor: number;
  /** Below this many inter-arrival times the timeout is 1.5 declared intervals. */
  minSamples: number;
  /** DOWN once the silence exceeds this many adaptive timeouts (SUSPECT after one). */
  downAfterTimeouts: number;
  /** DEGRADED when the coefficient of variation of inter-arrival times exceeds this. */
  jitterCvThreshold: number;
  /** DEGRADED when a cpu, memory or disk reading is at least this percentage. */
  resourceThresholdPercent: number;
  /** Label names that define groups for partition detection, broadest first. */
  partitionGroupLabels: string[];
  /** A group is judged only when it has at least this many agents. */
  partitionMinAgents: number;
  /** At least this fraction of a group silent at once makes its silent agents PARTITIONED. */
  partitionSilentFraction: number;
  /** Window, ms, in which recoveries from DOWN are counted towards FLAPPING. */
  flapWindowMs: number;
  /** This many recoveries from DOWN within the window make an agent FLAPPING. */
  flapThreshold: number;
  /** A FLAPPING agent goes back to HEALTHY only after this long, ms, without DOWN. */
  flapSettleMs: number;
}

/**
 * Tuned with bench/detector-simulation.ts. With 1% of heartbeats lost, two in a
 * row go missing about once in 10,000 heartbeats, so DOWN must wait past three
 * intervals: 2.75 timeouts of ~1.7 intervals (or of 1.5 for a new agent) is the
 * quickest setting that called no live agent DOWN there.
 */
export const DEFAULT_CLASSIFIER_SETTINGS: ClassifierSettings = Object.freeze({
  k: 4,
  minTimeoutMs: 2_000,
  maxTimeoutFactor: 3,
  minSamples: 5,
  downAfterTimeouts: 2.75,
  jitterCvThreshold: 0.5,
  resourceThresholdPercent: 95,
  partitionGroupLabels: Object.freeze(['region', 'zone']) as string[],
  partitionMinAgents: 5,
  partitionSilentFraction: 0.5,
  flapWindowMs: 10 * 60_000,
  flapThreshold: 3,
  flapSettleMs: 10 * 60_000,
});

/** What the classifier reads of each agent at sweep time (times are epoch ms). */
export type AgentSnapshot = Pick<
  AgentState,
  'key' | 'status' | 'lastHeartbeatAt' | 'intervalSeconds' | 'labels' | 'reportedStatus' | 'cpu' | 'memory' | 'disk'
>;

export interface Verdict {
  status: AgentStatus;
  /** Plain English, with the numbers behind the decision. */
  reason: string;
  /** For PARTITIONED: the group that went silent, e.g. "region=eu-west". */
  group?: string;
}

/** Inter-arrival times kept per agent: enough for a stable std, small enough to follow change. */
const WINDOW_CAPACITY = 32;
/** Without history, the timeout is this many declared intervals. */
const NEW_AGENT_TIMEOUT_INTERVALS = 1.5;
/** Consecutive gaps past the timeout after which they are taken as the agent's new rhythm. */
const LONG_GAPS_BEFORE_RELEARNING = 3;
/** A gap shorter than this fraction of the mean, right after a long one, is a burst of queued heartbeats. */
const CATCH_UP_FRACTION = 0.5;
/** Jitter is judged on at least this many intervals: the spread of a handful is noise. */
const JITTER_MIN_SAMPLES = 16;
/** A DEGRADED agent stays so until its jitter falls this far below the threshold (no churn at the edge). */
const JITTER_HYSTERESIS = 0.8;

/**
 * Agents sharing one value of a group label. The counters are refilled by every
 * sweep; the onset is kept while the group is judged partitioned.
 */
class Group {
  epoch = -1;
  members = 0;
  /** Members silent past their timeout (agents already DOWN left out). */
  silent = 0;
  newestSilentAt = -Infinity;
  /** When the group went quiet: the newest last heartbeat among its silent members. */
  onsetAt = -Infinity;
  /** Silent members that were still alive at the onset. */
  together = 0;
  /** Members heard from after the onset: evidence the group is reachable. */
  heard = 0;
  /** The one group of the next label that all silent-together members share, if they do. */
  soleChild: Group | undefined;
  mixed = false;
  judged = false;
  /** Counts the times the group was judged partitioned, so an agent back from one partition is not caught again by it. */
  episode = 0;
  /** Some agent was made or kept PARTITIONED under this group by the last sweep. */
  used = false;
  /** Removed from the map after a sweep without members; tracks holding it must look again. */
  detached = false;
  reason: string | undefined;

  constructor(readonly key: string) {}

  reset(epoch: number): void {
    this.epoch = epoch;
    this.members = 0;
    this.silent = 0;
    this.newestSilentAt = -Infinity;
    this.together = 0;
    this.heard = 0;
    this.soleChild = undefined;
    this.mixed = false;
    this.used = false;
    this.reason = undefined;
  }
}

/** Everything the classifier remembers of one agent: constant size. */
class Track {
  readonly window = new InterArrivalWindow(WINDOW_CAPACITY);
  lastArrivalAt = NaN;
  /** Longest gap observed since the last sweep: the silence a recovery ends. */
  longestGapMs = 0;
  longGapsInRow = 0;
  lastLongGapWasOutage = false;

  statsDirty = true;
  statsInterval = NaN;
  timeoutMs = 0;
  cv = 0;

  /** Set by the first pass of a sweep. */
  lastHeartbeatAt = 0;
  silent = false;
  /** False for agents already DOWN: they went quiet on their own, earlier. */
  counted = false;
  labels: Label[] | undefined;
  readonly groupValues: (string | undefined)[] = [];
  readonly groups: (Group | undefined)[] = [];

  partitionGroup: Group | undefined;
  partitionConfirmedAt = NaN;
  /** The group and episode of the partition this agent came back from. */
  resumedFrom: Group | undefined;
  resumedEpisode = 0;

  swept = false;
  wasDown = false;
  recoveries: Float64Array | undefined;
  recoveryCount = 0;
  flapping = false;
  lastDownAt = 0;
}

/**
 * Decides every agent's status from its heartbeats, its declared interval and
 * its peers. Pure: no I/O and no clock, time is always an argument, so a sweep
 * timer or a simulation drives it at any speed.
 *
 * - The timeout adapts to each agent (mean + k std of its last 32 inter-arrival
 *   times, within bounds): a regular agent is caught quickly, an erratic one is
 *   not accused for its jitter. Lost heartbeats and outages are not learnt as
 *   intervals. SUSPECT past one timeout, DOWN past `downAfterTimeouts`.
 * - Agents sharing a label value (region, zone) that go silent together are a
 *   network problem, not crashes: they become PARTITIONED, under one group.
 * - An agent that keeps recovering from DOWN becomes FLAPPING, and stays so
 *   (no churn of events) until it has been steady for a while.
 */
export class AdaptiveHealthClassifier {
  private readonly settings: ClassifierSettings;
  private readonly tracks = new Map<string, Track>();
  private readonly groups = new Map<string, Group>();
  private readonly minSilentPerGroup: number;
  private epoch = 0;
  // Reused between sweeps, so a sweep allocates nothing per agent.
  private readonly batch: AgentSnapshot[] = [];
  private readonly batchTracks: Track[] = [];

  constructor(settings: Partial<ClassifierSettings> = {}) {
    const given = Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));
    const merged: ClassifierSettings = { ...DEFAULT_CLASSIFIER_SETTINGS, ...given };
    merged.partitionGroupLabels = [...merged.partitionGroupLabels];
    this.settings = validate(merged);
    // The smallest judged group must show this many silent agents; larger groups no fewer.
    this.minSilentPerGroup = Math.max(2, Math.ceil(merged.partitionMinAgents * merged.partitionSilentFraction));
  }

  /** Learns from one heartbeat arrival. */
  observe(key: string, receivedAt: number): void {
    const track = this.trackOf(key);
    const previous = track.lastArrivalAt;
    if (Number.isNaN(previous)) {
      track.lastArrivalAt = receivedAt;
      return;
    }
    const gap = receivedAt - previous;
    // Out-of-order delivery: the newer heartbeat was already counted.
    if (gap < 0) return;
    track.lastArrivalAt = receivedAt;
    if (gap > track.longestGapMs) track.longestGapMs = gap;
    track.statsDirty = true;
    const timeoutMs = track.timeoutMs;
    if (timeoutMs === 0 || gap <= timeoutMs) {
      // Heartbeats queued behind a late one arrive right after it: that short gap is
      // the same delay again, not the agent's rhythm.
      const catchingUp = track.longGapsInRow > 0 && gap < CATCH_UP_FRACTION * track.window.mean();
      track.longGapsInRow = 0;
      if (!catchingUp) track.window.push(gap);
      return;
    }
    // A gap past the timeout holds lost heartbeats or an outage. Neither is the
    // agent's rhythm: learning it would loosen the timeout (and raise the jitter
    // figure) for the next 32 heartbeats, though losses are not more likely after
    // one. Long gaps of one kind in a row are a new rhythm, though: learn afresh.
    const outage = gap > this.settings.downAfterTimeouts * timeoutMs;
    if (track.longGapsInRow > 0 && outage !== track.lastLongGapWasOutage) track.longGapsInRow = 0;
    track.lastLongGapWasOutage = outage;
    if (++track.longGapsInRow >= LONG_GAPS_BEFORE_RELEARNING) {
      track.longGapsInRow = 0;
      track.window.clear();
      track.window.push(gap);
      // Unknown until the next sweep: learn every gap meanwhile.
      track.timeoutMs = 0;
      return;
    }
    if (outage) return;
    // Lost heartbeats: learn the intervals they would have had.
    const mean = track.window.mean();
    const beats = mean > 0 ? Math.min(WINDOW_CAPACITY, Math.max(1, Math.round(gap / mean))) : 1;
    for (let i = 0; i < beats; i++) track.window.push(gap / beats);
  }

  forget(key: string): void {
    this.tracks.delete(key);
  }

  /** The agent's current adaptive timeout, ms. A query: it changes nothing. */
  timeoutMs(key: string, intervalSeconds: number): number {
    const track = this.tracks.get(key);
    if (track !== undefined && !track.statsDirty && track.statsInterval === intervalSeconds) return track.timeoutMs;
    return this.computeTimeout(track?.window, intervalSeconds);
  }

  /**
   * Coefficient of variation of the agent's recent inter-arrival times (lost
   * heartbeats and outages left out); undefined until there are enough to judge.
   */
  jitterCv(key: string): number | undefined {
    const window = this.tracks.get(key)?.window;
    return window !== undefined && window.count >= JITTER_MIN_SAMPLES ? window.cv() : undefined;
  }

  /** Classifies every agent; returns only the agents whose status should change, with a reason. */
  sweep(agents: Iterable<AgentSnapshot>, now: number): Map<string, Verdict> {
    const epoch = ++this.epoch;
    const labelCount = this.settings.partitionGroupLabels.length;

    // Pass 1: who is silent; members and silent members of each group.
    let n = 0;
    for (const agent of agents) {
      const track = this.trackOf(agent.key);
      if (!track.swept) {
        // After a restart the registry may hand over an agent that is DOWN already.
        track.swept = true;
        track.wasDown = agent.status === AgentStatus.DOWN;
      }
      this.batch[n] = agent;
      this.batchTracks[n] = track;
      n++;
      this.refreshStats(track, agent.intervalSeconds);
      const lastHeartbeatAt = agent.lastHeartbeatAt;
      track.lastHeartbeatAt = lastHeartbeatAt;
      track.silent = now - lastHeartbeatAt > track.timeoutMs;
      track.counted = agent.status !== AgentStatus.DOWN;
      this.resolveGroups(track, agent.labels, epoch);
      const silent = track.silent && track.counted;
      for (let j = 0; j < labelCount; j++) {
        const group = track.groups[j];
        if (group === undefined) continue;
        group.members++;
        if (silent) {
          group.silent++;
          if (lastHeartbeatAt > group.newestSilentAt) group.newestSilentAt = lastHeartbeatAt;
        }
      }
    }
    if (this.batch.length > n) {
      this.batch.length = n;
      this.batchTracks.length = n;
    }

    // Pass 2, only for groups that could be partitioned: compare the members silent
    // since the onset with those heard from after it. Members not due since the onset
    // are no evidence either way, so a group of slow agents is judged as quickly as a
    // group of fast ones. While a group is judged its onset stays put: agents coming
    // back count as heard, so the judgement ends once, when most are back.
    let candidates = 0;
    for (const group of this.groups.values()) {
      if (group.epoch !== epoch) {
        this.groups.delete(group.key);
        group.detached = true;
        group.judged = false;
        continue;
      }
      if (!group.judged) group.onsetAt = group.newestSilentAt;
      if (group.members >= this.settings.partitionMinAgents && group.silent >= this.minSilentPerGroup) candidates++;
      else group.onsetAt = -Infinity;
    }
    if (candidates > 0) {
      for (let i = 0; i < n; i++) {
        const track = this.batchTracks[i];
        if (!track.counted) continue;
        for (let j = 0; j < labelCount; j++) {
          const group = track.groups[j];
          if (group === undefined || group.onsetAt === -Infinity) continue;
          if (track.lastHeartbeatAt > group.onsetAt) {
            group.heard++;
          } else if (track.silent && group.onsetAt - track.lastHeartbeatAt <= track.timeoutMs) {
            const child = j + 1 < labelCount ? track.groups[j + 1] : undefined;
            if (group.together++ === 0) group.soleChild = child;
            else if (child !== group.soleChild) group.mixed = true;
          }
        }
      }
    }
    for (const group of this.groups.values()) {
      const judged =
        group.onsetAt !== -Infinity &&
        group.together >= this.minSilentPerGroup &&
        group.together >= this.settings.partitionSilentFraction * (group.together + group.heard);
      if (judged && !group.judged) group.episode++;
      group.judged = judged;
    }

    // Pass 3: verdicts.
    const changes = new Map<string, Verdict>();
    for (let i = 0; i < n; i++) {
      const agent = this.batch[i];
      const verdict = this.classify(agent, this.batchTracks[i], now);
      if (verdict !== undefined) changes.set(agent.key, verdict);
    }
    return changes;
  }

  /** Groups judged partitioned by the last sweep (e.g. "region=eu-west"), for one group event upstream. */
  partitionedGroups(): string[] {
    const keys: string[] = [];
    for (const group of this.groups.values()) if (group.judged && group.used) keys.push(group.key);
    return keys;
  }

  private classify(agent: AgentSnapshot, track: Track, now: number): Verdict | undefined {
    const settings = this.settings;
    const current = agent.status;
    const silenceMs = Math.max(0, now - agent.lastHeartbeatAt);
    const downAfterMs = settings.downAfterTimeouts * track.timeoutMs;
    const resumedAfterMs = track.longestGapMs;
    track.longestGapMs = 0;

    const held = current === AgentStatus.PARTITIONED ? track.partitionGroup : undefined;
    if (track.silent && track.counted && (held === undefined || held.judged)) {
      const group = this.partitionOf(track);
      if (group !== undefined) {
        group.used = true;
        track.partitionGroup = group;
        track.partitionConfirmedAt = now;
        track.wasDown = false;
        this.stopFlapping(track);
        if (current === AgentStatus.PARTITIONED) return undefined;
        group.reason ??= partitionReason(group);
        return { status: AgentStatus.PARTITIONED, reason: group.reason, group: group.key };
      }
    }
    if (current === AgentStatus.PARTITIONED) {
      if (track.silent) {
        // The partition is over (or unknown after a restart): give the agent time to return.
        if (Number.isNaN(track.partitionConfirmedAt)) track.partitionConfirmedAt = now;
        const sinceMs = now - track.partitionConfirmedAt;
        if (sinceMs <= downAfterMs) return undefined;
        const group = held?.key ?? 'its group';
        this.leavePartition(track);
        track.wasDown = true;
        return {
          status: AgentStatus.DOWN,
          reason: `no heartbeat for ${seconds(silenceMs)}, still silent ${seconds(sinceMs)} after the partition of ${group} ended`,
        };
      }
      this.leavePartition(track);
    }

    const status =
      silenceMs > downAfterMs
        ? AgentStatus.DOWN
        : track.silent
          ? AgentStatus.SUSPECT
          : this.isDegraded(agent, track, current)
            ? AgentStatus.DEGRADED
            : AgentStatus.HEALTHY;
    const alive = status === AgentStatus.HEALTHY || status === AgentStatus.DEGRADED;

    // Recoveries are counted from the classifier's own view, which goes on while
    // FLAPPING hides it.
    let recoveryWindowMs = -1;
    if (track.wasDown && alive) recoveryWindowMs = this.recordRecovery(track, now);
    track.wasDown = status === AgentStatus.DOWN;

    if (recoveryWindowMs >= 0 && !track.flapping) {
      track.flapping = true;
      track.lastDownAt = now;
      return {
        status: AgentStatus.FLAPPING,
        reason:
          `recovered from DOWN ${settings.flapThreshold} times within ${seconds(recoveryWindowMs)}; ` +
          `changes held back until ${seconds(settings.flapSettleMs)} without DOWN`,
      };
    }
    if (track.flapping) {
      if (status === AgentStatus.DOWN) track.lastDownAt = now;
      if (silenceMs > settings.flapSettleMs) {
        // Suppression is for churn: an agent that stays away is simply DOWN.
        this.stopFlapping(track);
        return { status: AgentStatus.DOWN, reason: `no heartbeat for ${seconds(silenceMs)} while flapping` };
      }
      const steadyMs = now - track.lastDownAt;
      if (alive && steadyMs >= settings.flapSettleMs) {
        this.stopFlapping(track);
        if (status === current) return undefined;
        const steady = `no DOWN for ${seconds(steadyMs)}, flapping is over`;
        return { status, reason: status === AgentStatus.DEGRADED ? `${steady}; ${this.degradedReason(agent, track, current)}` : steady };
      }
      if (current === AgentStatus.FLAPPING) return undefined;
      return { status: AgentStatus.FLAPPING, reason: `flapping: no DOWN-free stretch of ${seconds(settings.flapSettleMs)} yet` };
    }

    if (status === current) return undefined;
    return { status, reason: this.reason(status, agent, track, current, silenceMs, resumedAfterMs) };
  }

  private reason(
    status: AgentStatus,
    agent: AgentSnapshot,
    track: Track,
    current: AgentStatus,
    silenceMs: number,
    resumedAfterMs: number,
  ): string {
    const timeout = seconds(track.timeoutMs);
    const interval = `interval ${agent.intervalSeconds}s`;
    switch (status) {
      case AgentStatus.DOWN:
        return `no heartbeat for ${seconds(silenceMs)}, past ${this.settings.downAfterTimeouts} adaptive timeouts of ${timeout} (${interval})`;
      case AgentStatus.SUSPECT:
        return `no heartbeat for ${seconds(silenceMs)}, past the adaptive timeout of ${timeout} (${interval})`;
      default: {
        const wasSilent = current === AgentStatus.SUSPECT || current === AgentStatus.DOWN || current === AgentStatus.PARTITIONED;
        const resumed = resumedAfterMs > 0 ? `heartbeats resumed after ${seconds(resumedAfterMs)} silence` : 'heartbeats resumed';
        if (status === AgentStatus.DEGRADED) {
          const degraded = this.degradedReason(agent, track, current);
          return wasSilent ? `${resumed}; ${degraded}` : degraded;
        }
        if (wasSilent) return resumed;
        if (current === AgentStatus.DEGRADED) return 'heartbeats regular and readings normal again';
        return 'heartbeats on time';
      }
    }
  }

  private isDegraded(agent: AgentSnapshot, track: Track, current: AgentStatus): boolean {
    const threshold = this.settings.resourceThresholdPercent;
    return (
      agent.reportedStatus === 'degraded' ||
      agent.reportedStatus === 'error' ||
      (agent.cpu ?? 0) >= threshold ||
      (agent.memory ?? 0) >= threshold ||
      (agent.disk ?? 0) >= threshold ||
      this.isJittery(track, current)
    );
  }

  private isJittery(track: Track, current: AgentStatus): boolean {
    const threshold = this.settings.jitterCvThreshold * (current === AgentStatus.DEGRADED ? JITTER_HYSTERESIS : 1);
    return track.window.count >= JITTER_MIN_SAMPLES && track.cv > threshold;
  }

  /** Only called for a change, so the strings cost nothing on a quiet sweep. */
  private degradedReason(agent: AgentSnapshot, track: Track, current: AgentStatus): string {
    const threshold = this.settings.resourceThresholdPercent;
    const parts: string[] = [];
    if (agent.reportedStatus === 'degraded' || agent.reportedStatus === 'error') parts.push(`agent reports status "${agent.reportedStatus}"`);
    for (const [name, value] of [['cpu', agent.cpu], ['memory', agent.memory], ['disk', agent.disk]] as const) {
      if (value !== undefined && value >= threshold) parts.push(`${name} at ${value}% (threshold ${threshold}%)`);
    }
    if (this.isJittery(track, current)) {
      parts.push(
        `irregular heartbeats: inter-arrival variation ${track.cv.toFixed(2)} of the mean (threshold ${this.settings.jitterCvThreshold})`,
      );
    }
    return parts.join('; ');
  }

  /** Records a recovery from DOWN; returns the span of the last `flapThreshold` recoveries when it is within the window, else -1. */
  private recordRecovery(track: Track, now: number): number {
    const size = this.settings.flapThreshold;
    track.recoveries ??= new Float64Array(size);
    track.recoveries[track.recoveryCount % size] = now;
    track.recoveryCount++;
    if (track.recoveryCount < size) return -1;
    const oldest = track.recoveries[track.recoveryCount % size];
    return now - oldest <= this.settings.flapWindowMs ? now - oldest : -1;
  }

  private stopFlapping(track: Track): void {
    track.flapping = false;
    track.recoveryCount = 0;
  }

  private leavePartition(track: Track): void {
    const group = track.partitionGroup;
    if (group !== undefined) {
      track.resumedFrom = group;
      track.resumedEpisode = group.episode;
    }
    track.partitionGroup = undefined;
    track.partitionConfirmedAt = NaN;
  }

  /**
   * The broadest judged group of the agent (label order), unless its silence is all
   * inside one judged group of the next label: a silent zone is not a silent region.
   * An agent heard from again during a group's partition is judged on its own.
   */
  private partitionOf(track: Track): Group | undefined {
    for (let j = 0; j < this.settings.partitionGroupLabels.length; j++) {
      const group = track.groups[j];
      if (group === undefined || !group.judged) continue;
      if (!group.mixed && group.soleChild !== undefined && group.soleChild.judged) continue;
      if (group === track.resumedFrom && group.episode === track.resumedEpisode) return undefined;
      return group;
    }
    return undefined;
  }

  /** Points the track at its groups; labels are only read again when the registry hands over new ones. */
  private resolveGroups(track: Track, labels: Label[], epoch: number): void {
    const names = this.settings.partitionGroupLabels;
    const fresh = labels !== track.labels;
    track.labels = labels;
    for (let j = 0; j < names.length; j++) {
      let group = track.groups[j];
      if (fresh) {
        const value = labelValue(labels, names[j]);
        if (value !== track.groupValues[j]) {
          track.groupValues[j] = value;
          group = undefined;
        }
      }
      if (group === undefined ? track.groupValues[j] !== undefined : group.detached) {
        group = this.groupOf(`${names[j]}=${track.groupValues[j]}`);
      }
      track.groups[j] = group;
      if (group !== undefined && group.epoch !== epoch) group.reset(epoch);
    }
  }

  private groupOf(key: string): Group {
    let group = this.groups.get(key);
    if (group === undefined) {
      group = new Group(key);
      this.groups.set(key, group);
    }
    return group;
  }

  private trackOf(key: string): Track {
    let track = this.tracks.get(key);
    if (track === undefined) {
      track = new Track();
      this.tracks.set(key, track);
    }
    return track;
  }

  /** Recomputes the cached timeout and jitter after new heartbeats or a new declared interval. */
  private refreshStats(track: Track, intervalSeconds: number): void {
    if (intervalSeconds !== track.statsInterval) {
      // A new declared rhythm makes the old inter-arrival times misleading.
      if (!Number.isNaN(track.statsInterval)) track.window.clear();
      track.statsInterval = intervalSeconds;
      track.statsDirty = true;
    }
    if (!track.statsDirty) return;
    track.statsDirty = false;
    track.timeoutMs = this.computeTimeout(track.window, intervalSeconds);
    track.cv = track.window.count >= this.settings.minSamples ? track.window.cv() : 0;
  }

  private computeTimeout(window: InterArrivalWindow | undefined, intervalSeconds: number): number {
    const declaredMs = intervalSeconds * 1000;
    const rawMs =
      window !== undefined && window.count >= this.settings.minSamples
        ? window.mean() + this.settings.k * window.std()
        : NEW_AGENT_TIMEOUT_INTERVALS * declaredMs;
    // The lower bound wins over the upper one: below it, network noise alone would fail agents.
    return Math.max(this.settings.minTimeoutMs, Math.min(this.settings.maxTimeoutFactor * declaredMs, rawMs));
  }
}

function partitionReason(group: Group): string {
  const heard = group.heard === 0 ? 'none heard from since' : `${group.heard} heard from since`;
  return `${group.together} of ${group.members} agents in ${group.key} went silent together (${heard})`;
}

function labelValue(labels: Label[], name: string): string | undefined {
  for (let i = 0; i < labels.length; i++) if (labels[i].name === name) return labels[i].value;
  return undefined;
}

/** "2.5s" below ten seconds, whole seconds above. */
function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms / 1000)}s`;
}

function validate(settings: ClassifierSettings): ClassifierSettings {
  const rules: [keyof ClassifierSettings, boolean, string][] = [
    ['k', settings.k >= 0, 'a number >= 0'],
    ['minTimeoutMs', settings.minTimeoutMs >= 0, 'a number >= 0'],
    ['maxTimeoutFactor', settings.maxTimeoutFactor > 0, 'a number > 0'],
    [
      'minSamples',
      Number.isInteger(settings.minSamples) && settings.minSamples >= 2 && settings.minSamples <= WINDOW_CAPACITY,
      `an integer from 2 to ${WINDOW_CAPACITY}`,
    ],
    ['downAfterTimeouts', settings.downAfterTimeouts >= 1, 'a number >= 1'],
    ['jitterCvThreshold', settings.jitterCvThreshold > 0, 'a number > 0'],
    ['resourceThresholdPercent', settings.resourceThresholdPercent > 0, 'a number > 0'],
    ['partitionGroupLabels', Array.isArray(settings.partitionGroupLabels), 'an array of label names'],
    ['partitionMinAgents', Number.isInteger(settings.partitionMinAgents) && settings.partitionMinAgents >= 2, 'an integer >= 2'],
    ['partitionSilentFraction', settings.partitionSilentFraction > 0 && settings.partitionSilentFraction <= 1, 'a number in (0, 1]'],
    ['flapWindowMs', settings.flapWindowMs > 0, 'a number > 0'],
    ['flapThreshold', Number.isInteger(settings.flapThreshold) && settings.flapThreshold >= 1, 'an integer >= 1'],
    ['flapSettleMs', settings.flapSettleMs >= 0, 'a number >= 0'],
  ];
  for (const [name, ok, expected] of rules) {
    if (!ok) throw new RangeError(`classifier setting ${name} must be ${expected}, got ${String(settings[name])}`);
  }
  return settings;
}
