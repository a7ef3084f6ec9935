import type { Label } from '../../common/labels/label';

/**
 * Agents sharing one value of a group label. The counters are refilled by every
 * sweep; the onset is kept while the group is judged partitioned.
 */
export class Group {
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
  /** Removed from the map after a sweep without members; memberships holding it must look again. */
  detached = false;
  /** The reason of the PARTITIONED verdicts of this sweep, built once for all members. */
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
    this.reason = undefined;
  }
}

/** One agent's groups (one per label name), and the partition it is in or came back from. */
export class Membership {
  labels: Label[] | undefined;
  readonly groupValues: (string | undefined)[] = [];
  readonly groups: (Group | undefined)[] = [];
  /** The group the agent is PARTITIONED under. */
  group: Group | undefined;
  /** The last sweep that found the agent's group partitioned; NaN when unknown (after a restart). */
  confirmedAt = NaN;
  /** The group and episode of the partition this agent came back from. */
  resumedFrom: Group | undefined;
  resumedEpisode = 0;

  join(group: Group, now: number): void {
    this.group = group;
    this.confirmedAt = now;
  }

  leave(): void {
    const group = this.group;
    if (group !== undefined) {
      this.resumedFrom = group;
      this.resumedEpisode = group.episode;
    }
    this.group = undefined;
    this.confirmedAt = NaN;
  }
}

/** What the detector reads of an agent in a sweep. */
export interface SweptAgent {
  readonly membership: Membership;
  lastHeartbeatAt: number;
  /** Silent past its adaptive timeout. */
  silent: boolean;
  /** False for agents already DOWN: they went quiet on their own, earlier. */
  counted: boolean;
  timeoutMs: number;
}

/**
 * Tells a network partition from crashes: agents sharing a label value (region, zone)
 * that go silent together are judged partitioned, under one group. Driven by the
 * classifier's sweep: `begin`, `count` for every agent, `judge`, then `partitionOf`.
 */
export class PartitionDetector {
  private readonly groups = new Map<string, Group>();
  /** The smallest judged group must show this many silent agents; larger groups no fewer. */
  private readonly minSilentPerGroup: number;
  private epoch = 0;

  constructor(
    private readonly labelNames: readonly string[],
    private readonly minAgents: number,
    private readonly silentFraction: number,
  ) {
    this.minSilentPerGroup = Math.max(2, Math.ceil(minAgents * silentFraction));
  }

  begin(): void {
    this.epoch++;
  }

  /** Points the agent at its groups and counts it among their members, and their silent members. */
  count(agent: SweptAgent, labels: Label[]): void {
    const groups = this.resolveGroups(agent.membership, labels);
    const silent = agent.silent && agent.counted;
    for (let j = 0; j < this.labelNames.length; j++) {
      const group = groups[j];
      if (group === undefined) continue;
      group.members++;
      if (silent) {
        group.silent++;
        if (agent.lastHeartbeatAt > group.newestSilentAt) group.newestSilentAt = agent.lastHeartbeatAt;
      }
    }
  }

  /**
   * Judges the groups that could be partitioned: compares the members silent since the
   * onset with those heard from after it. Members not due since the onset are no evidence
   * either way, so a group of slow agents is judged as quickly as a group of fast ones.
   * While a group is judged its onset stays put: agents coming back count as heard, so the
   * judgement ends once, when most are back.
   */
  judge(agents: readonly SweptAgent[], n: number): void {
    const labelCount = this.labelNames.length;
    let candidates = 0;
    for (const group of this.groups.values()) {
      if (group.epoch !== this.epoch) {
        this.groups.delete(group.key);
        group.detached = true;
        group.judged = false;
        continue;
      }
      if (!group.judged) group.onsetAt = group.newestSilentAt;
      if (group.members >= this.minAgents && group.silent >= this.minSilentPerGroup) candidates++;
      else group.onsetAt = -Infinity;
    }
    if (candidates > 0) {
      for (let i = 0; i < n; i++) {
        const agent = agents[i];
        if (!agent.counted) continue;
        const groups = agent.membership.groups;
        for (let j = 0; j < labelCount; j++) {
          const group = groups[j];
          if (group === undefined || group.onsetAt === -Infinity) continue;
          if (agent.lastHeartbeatAt > group.onsetAt) {
            group.heard++;
          } else if (agent.silent && group.onsetAt - agent.lastHeartbeatAt <= agent.timeoutMs) {
            const child = j + 1 < labelCount ? groups[j + 1] : undefined;
            if (group.together++ === 0) group.soleChild = child;
            else if (child !== group.soleChild) group.mixed = true;
          }
        }
      }
    }
    for (const group of this.groups.values()) {
      const judged =
        group.onsetAt !== -Infinity && group.together >= this.minSilentPerGroup && group.together >= this.silentFraction * (group.together + group.heard);
      if (judged && !group.judged) group.episode++;
      group.judged = judged;
    }
  }

  /**
   * The broadest judged group of the agent (label order), unless its silence is all
   * inside one judged group of the next label: a silent zone is not a silent region.
   * An agent heard from again during a group's partition is judged on its own.
   */
  partitionOf(membership: Membership): Group | undefined {
    for (let j = 0; j < this.labelNames.length; j++) {
      const group = membership.groups[j];
      if (group === undefined || !group.judged) continue;
      if (!group.mixed && group.soleChild !== undefined && group.soleChild.judged) continue;
      if (group === membership.resumedFrom && group.episode === membership.resumedEpisode) return undefined;
      return group;
    }
    return undefined;
  }

  /** Points the membership at its groups; labels are only read again when the registry hands over new ones. */
  private resolveGroups(membership: Membership, labels: Label[]): (Group | undefined)[] {
    const names = this.labelNames;
    const fresh = labels !== membership.labels;
    membership.labels = labels;
    for (let j = 0; j < names.length; j++) {
      let group = membership.groups[j];
      if (fresh) {
        const value = labelValue(labels, names[j]);
        if (value !== membership.groupValues[j]) {
          membership.groupValues[j] = value;
          group = undefined;
        }
      }
      if (group === undefined ? membership.groupValues[j] !== undefined : group.detached) {
        group = this.groupOf(`${names[j]}=${membership.groupValues[j]}`);
      }
      membership.groups[j] = group;
      if (group !== undefined && group.epoch !== this.epoch) group.reset(this.epoch);
    }
    return membership.groups;
  }

  private groupOf(key: string): Group {
    let group = this.groups.get(key);
    if (group === undefined) {
      group = new Group(key);
      this.groups.set(key, group);
    }
    return group;
  }
}

function labelValue(labels: Label[], name: string): string | undefined {
  for (let i = 0; i < labels.length; i++) if (labels[i].name === name) return labels[i].value;
  return undefined;
}
