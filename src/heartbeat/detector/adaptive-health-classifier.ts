import { AgentState } from '../agent-state';
import { AgentStatus } from '../agent-status';
import { ClassifierSettings, resolveClassifierSettings, WINDOW_CAPACITY } from './classifier-settings';
import { FlapTracker } from './flap-tracker';
import { InterArrivalWindow } from './inter-arrival-window';
import { Membership, PartitionDetector, SweptAgent } from './partition-detector';
import { suspicion } from './suspicion';
import * as reasons from './verdict-reasons';

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
 * Suspicion takes the spread of inter-arrival times as at least this fraction of their mean
 * (Akka's 100 ms at its 1 s default): a few perfectly regular intervals are no promise that
 * the next one will be.
 */
const MIN_SPREAD = 0.1;
/** The measured loss rate follows about this many recent heartbeats (an exponential average). */
const LOSS_MEMORY = 256;

/** Everything the classifier remembers of one agent: constant size. */
class Track implements SweptAgent {
  readonly window = new InterArrivalWindow(WINDOW_CAPACITY);
  lastArrivalAt = NaN;
  /** Longest gap observed since the last sweep: the silence a recovery ends. */
  longestGapMs = 0;
  longGapsInRow = 0;
  lastLongGapWasOutage = false;
  /** Share of recent heartbeats lost, as the gaps that held them tell. */
  lossRate = 0;
  /** The last heartbeat before the silence that reached suspectPhi. */
  suspectedSilenceSince = NaN;

  statsDirty = true;
  statsInterval = NaN;
  timeoutMs = 0;
  cv = 0;

  /** Set by the first pass of a sweep. */
  lastHeartbeatAt = 0;
  silent = false;
  counted = false;
  readonly membership = new Membership();

  swept = false;
  wasDown = false;
  readonly flaps = new FlapTracker();
}

/**
 * Decides every agent's status from its heartbeats, its declared interval and
 * its peers. Pure: no I/O and no clock, time is always an argument, so a sweep
 * timer or a simulation drives it at any speed.
 *
 * - The timeout adapts to each agent (mean + k std of its last 32 inter-arrival
 *   times, within bounds): a regular agent is caught quickly, an erratic one is
 *   not accused for its jitter. Lost heartbeats and outages are not learnt as
 *   intervals, but lost ones are counted. Past the timeout an agent is silent (for
 *   partitions); SUSPECT once its phi-accrual suspicion (see suspicion.ts) reaches
 *   `suspectPhi`, so that a lost heartbeat or two is not news; DOWN past
 *   `downAfterTimeouts` timeouts, and no sooner than SUSPECT.
 * - Agents sharing a label value (region, zone) that go silent together are a
 *   network problem, not crashes: they become PARTITIONED, under one group
 *   (PartitionDetector).
 * - An agent that keeps recovering from DOWN becomes FLAPPING, and stays so
 *   (no churn of events) until it has been steady for a while.
 */
export class AdaptiveHealthClassifier {
  private readonly settings: ClassifierSettings;
  private readonly tracks = new Map<string, Track>();
  private readonly partitions: PartitionDetector;
  // Reused between sweeps, so a sweep allocates nothing per agent.
  private readonly batch: AgentSnapshot[] = [];
  private readonly batchTracks: Track[] = [];

  constructor(settings: Partial<ClassifierSettings> = {}) {
    this.settings = resolveClassifierSettings(settings);
    this.partitions = new PartitionDetector(this.settings.partitionGroupLabels, this.settings.partitionMinAgents, this.settings.partitionSilentFraction);
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
      if (!catchingUp) {
        track.window.push(gap);
        track.lossRate -= track.lossRate / LOSS_MEMORY;
      }
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
    for (let i = 0; i < beats; i++) {
      track.window.push(gap / beats);
      // beats - 1 lost, then the one that arrived.
      track.lossRate += ((i < beats - 1 ? 1 : 0) - track.lossRate) / LOSS_MEMORY;
    }
  }

  /** The agent's current adaptive timeout, ms. A query: it changes nothing. */
  timeoutMs(key: string, intervalSeconds: number): number {
    const track = this.tracks.get(key);
    if (track !== undefined && !track.statsDirty && track.statsInterval === intervalSeconds) return track.timeoutMs;
    return this.computeTimeout(track?.window, intervalSeconds);
  }

  /**
   * How sure the classifier is that an agent silent for `silenceMs` has failed: φ, where
   * 10^-φ is the chance that a live agent with its rhythm and losses stays silent that long.
   * A query: it changes nothing.
   */
  suspicionOf(key: string, intervalSeconds: number, silenceMs: number): number {
    const { meanMs, stdMs, lossRate } = this.rhythmOf(this.tracks.get(key), intervalSeconds);
    return suspicion(silenceMs, meanMs, stdMs, lossRate);
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
    this.partitions.begin();
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
      track.lastHeartbeatAt = agent.lastHeartbeatAt;
      track.silent = now - agent.lastHeartbeatAt > track.timeoutMs;
      track.counted = agent.status !== AgentStatus.DOWN;
      this.partitions.count(track, agent.labels);
    }
    if (this.batch.length > n) {
      this.batch.length = n;
      this.batchTracks.length = n;
    }
    // Pass 2: which groups are partitioned.
    this.partitions.judge(this.batchTracks, n);
    // Pass 3: verdicts.
    const changes = new Map<string, Verdict>();
    for (let i = 0; i < n; i++) {
      const agent = this.batch[i];
      const verdict = this.classify(agent, this.batchTracks[i], now);
      if (verdict !== undefined) changes.set(agent.key, verdict);
    }
    return changes;
  }

  private classify(agent: AgentSnapshot, track: Track, now: number): Verdict | undefined {
    const settings = this.settings;
    const current = agent.status;
    const silenceMs = Math.max(0, now - agent.lastHeartbeatAt);
    const downAfterMs = settings.downAfterTimeouts * track.timeoutMs;
    const resumedAfterMs = track.longestGapMs;
    track.longestGapMs = 0;
    const membership = track.membership;
    const flaps = track.flaps;

    const held = current === AgentStatus.PARTITIONED ? membership.group : undefined;
    if (track.silent && track.counted && (held === undefined || held.judged)) {
      const group = this.partitions.partitionOf(membership);
      if (group !== undefined) {
        membership.join(group, now);
        track.wasDown = false;
        flaps.stop();
        if (current === AgentStatus.PARTITIONED) return undefined;
        group.reason ??= reasons.partitioned(group);
        return { status: AgentStatus.PARTITIONED, reason: group.reason, group: group.key };
      }
    }
    if (current === AgentStatus.PARTITIONED) {
      if (track.silent) {
        // The partition is over (or unknown after a restart): give the agent time to return.
        if (Number.isNaN(membership.confirmedAt)) membership.confirmedAt = now;
        const sinceMs = now - membership.confirmedAt;
        if (sinceMs <= downAfterMs) return undefined;
        const group = held?.key ?? 'its group';
        membership.leave();
        track.wasDown = true;
        return { status: AgentStatus.DOWN, reason: reasons.silentAfterPartition(silenceMs, sinceMs, group) };
      }
      membership.leave();
    }

    // Past the timeout an agent counts as silent (for partitions); it is SUSPECT only once its
    // silence is unlikely enough for a live agent with its rhythm and losses, and DOWN past
    // downAfterTimeouts no sooner: two lost heartbeats of a regular agent are no crash.
    // Suspicion only grows while a silence lasts, so once there it is not computed again.
    let suspected = track.suspectedSilenceSince === agent.lastHeartbeatAt;
    if (!suspected && track.silent) {
      suspected = this.suspicionOf(agent.key, agent.intervalSeconds, silenceMs) >= settings.suspectPhi;
      if (suspected) track.suspectedSilenceSince = agent.lastHeartbeatAt;
    }
    const status = !suspected
      ? this.isDegraded(agent, track, current)
        ? AgentStatus.DEGRADED
        : AgentStatus.HEALTHY
      : silenceMs > downAfterMs
        ? AgentStatus.DOWN
        : AgentStatus.SUSPECT;
    const alive = status === AgentStatus.HEALTHY || status === AgentStatus.DEGRADED;

    // Recoveries are counted from the classifier's own view, which goes on while
    // FLAPPING hides it.
    let recoveryWindowMs = -1;
    if (track.wasDown && alive) recoveryWindowMs = flaps.recordRecovery(now, settings.flapThreshold, settings.flapWindowMs);
    track.wasDown = status === AgentStatus.DOWN;

    if (recoveryWindowMs >= 0 && !flaps.flapping) {
      flaps.flapping = true;
      flaps.lastDownAt = now;
      return { status: AgentStatus.FLAPPING, reason: reasons.startedFlapping(settings.flapThreshold, recoveryWindowMs, settings.flapSettleMs) };
    }
    if (flaps.flapping) {
      if (status === AgentStatus.DOWN) flaps.lastDownAt = now;
      if (silenceMs > settings.flapSettleMs) {
        // Suppression is for churn: an agent that stays away is simply DOWN.
        flaps.stop();
        return { status: AgentStatus.DOWN, reason: reasons.goneWhileFlapping(silenceMs) };
      }
      const steadyMs = now - flaps.lastDownAt;
      if (alive && steadyMs >= settings.flapSettleMs) {
        flaps.stop();
        if (status === current) return undefined;
        const steady = reasons.flappingOver(steadyMs);
        return { status, reason: status === AgentStatus.DEGRADED ? `${steady}; ${this.degradedReason(agent, track, current)}` : steady };
      }
      if (current === AgentStatus.FLAPPING) return undefined;
      return { status: AgentStatus.FLAPPING, reason: reasons.stillFlapping(settings.flapSettleMs) };
    }

    if (status === current) return undefined;
    return { status, reason: this.reason(status, agent, track, current, silenceMs, resumedAfterMs) };
  }

  private reason(status: AgentStatus, agent: AgentSnapshot, track: Track, current: AgentStatus, silenceMs: number, resumedAfterMs: number): string {
    switch (status) {
      case AgentStatus.DOWN:
        return reasons.down(silenceMs, this.settings.downAfterTimeouts, track.timeoutMs, agent.intervalSeconds);
      case AgentStatus.SUSPECT: {
        const phi = this.suspicionOf(agent.key, agent.intervalSeconds, silenceMs);
        return reasons.suspect(silenceMs, phi, this.settings.suspectPhi, this.rhythmOf(track, agent.intervalSeconds));
      }
      default: {
        const wasSilent = current === AgentStatus.SUSPECT || current === AgentStatus.DOWN || current === AgentStatus.PARTITIONED;
        if (status === AgentStatus.DEGRADED) {
          const degraded = this.degradedReason(agent, track, current);
          return wasSilent ? `${reasons.resumed(resumedAfterMs)}; ${degraded}` : degraded;
        }
        if (wasSilent) return reasons.resumed(resumedAfterMs);
        if (current === AgentStatus.DEGRADED) return reasons.regularAgain();
        return reasons.onTime();
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

  private degradedReason(agent: AgentSnapshot, track: Track, current: AgentStatus): string {
    return reasons.degraded({
      reportedStatus: agent.reportedStatus,
      cpu: agent.cpu,
      memory: agent.memory,
      disk: agent.disk,
      resourceThresholdPercent: this.settings.resourceThresholdPercent,
      jitter: this.isJittery(track, current) ? { cv: track.cv, threshold: this.settings.jitterCvThreshold } : undefined,
    });
  }

  /**
   * What suspicion expects of the agent: its inter-arrival times (the declared interval
   * until there are enough), and its measured loss rate, never below the one assumed of
   * every network.
   */
  private rhythmOf(track: Track | undefined, intervalSeconds: number): reasons.Rhythm {
    const window = track?.window;
    const known = window !== undefined && window.count >= this.settings.minSamples;
    const meanMs = known ? window.mean() : intervalSeconds * 1000;
    return {
      meanMs,
      stdMs: Math.max(known ? window.std() : 0, MIN_SPREAD * meanMs),
      lossRate: Math.max(this.settings.assumedLossRate, track?.lossRate ?? 0),
    };
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
