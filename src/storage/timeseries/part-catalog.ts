import { bucketStart } from '../../common/time/bucket-start';
import { manifestId } from './part-id';
import { periodStart, ROLLUP_TIERS, Tier, TierName, TIERS } from './tiers';

/** One stored part: a blob of many series of one metric, in `pages` documents. */
export interface PartEntry {
  id: string;
  /** The WAL generation whose checkpoint wrote it; -1 for parts derived by rollup or compaction. */
  generation: number;
  /** First and last sample or bucket start in it (epoch ms). */
  from: number;
  to: number;
  pages: number;
  bytes: number;
  samples: number;
  /** Its buckets were added to the next coarser tier: reads of that tier must not count it again. */
  rolledUp: boolean;
}

/** The parts of one tier, environment, metric and period. */
export interface Manifest {
  id: string;
  tier: TierName;
  environment: string;
  metric: string;
  periodStart: number;
  parts: PartEntry[];
}

/**
 * Which parts exist, kept in memory (a few hundred small manifests per metric) so that a
 * read finds its parts without asking the database, and fetches each by _id.
 */
export class PartCatalog {
  private readonly manifests = new Map<string, Manifest>();

  load(manifests: Manifest[]): void {
    for (const manifest of manifests) this.manifests.set(manifest.id, manifest);
  }

  /** The highest generation that wrote a listed part (0 when none did). */
  newestGeneration(): number {
    let newest = 0;
    for (const manifest of this.manifests.values()) for (const part of manifest.parts) newest = Math.max(newest, part.generation);
    return newest;
  }

  all(): Manifest[] {
    return [...this.manifests.values()];
  }

  set(manifest: Manifest): void {
    this.manifests.set(manifest.id, manifest);
  }

  delete(id: string): void {
    this.manifests.delete(id);
  }

  /**
   * The manifest with `parts` added; a part already listed (a checkpoint replayed after a
   * crash writes the same ids) keeps its entry, so it is never counted twice.
   */
  withParts(tier: Tier, environment: string, metric: string, periodStart: number, parts: PartEntry[]): Manifest {
    const id = manifestId(tier.name, environment, metric, periodStart);
    const current = this.manifests.get(id) ?? { id, tier: tier.name, environment, metric, periodStart, parts: [] };
    const known = new Set(current.parts.map((p) => p.id));
    return { ...current, parts: [...current.parts, ...parts.filter((p) => !known.has(p.id))] };
  }

  /**
   * The parts that together hold every sample of [from, to) once at `tier`: the tier's own
   * parts, plus the parts of finer rollup tiers not yet rolled up into a coarser one. While a
   * period's raw parts are kept, its 1-minute buckets are not stored but computed from them, so
   * raw parts stand in for the 1m tier of every period without a 1m manifest (one is written when
   * raw expires, before the raw parts are deleted). Parts written by the generations in
   * `inMemory` are skipped: those heads are read instead.
   */
  partsFor(tier: Tier, environment: string, metric: string, from: number, to: number, inMemory: ReadonlySet<number>): PartEntry[] {
    if (tier.name === 'raw') return this.partsOf(TIERS.raw, environment, metric, from, to, inMemory, true);
    const out: PartEntry[] = [];
    for (const t of ROLLUP_TIERS.slice(0, ROLLUP_TIERS.indexOf(tier) + 1)) out.push(...this.partsOf(t, environment, metric, from, to, inMemory, t === tier));
    return out;
  }

  private partsOf(t: Tier, environment: string, metric: string, from: number, to: number, inMemory: ReadonlySet<number>, ownTier: boolean): PartEntry[] {
    const out: PartEntry[] = [];
    for (let start = periodStart(from, t); start < to; start += t.periodMs) {
      let manifest = this.manifests.get(manifestId(t.name, environment, metric, start));
      // Raw and 1m periods are the same hour: raw buckets are a minute wide there.
      if (manifest === undefined && t.name === '1m') manifest = this.manifests.get(manifestId('raw', environment, metric, start));
      for (const part of manifest?.parts ?? []) {
        if (!ownTier && part.rolledUp) continue;
        if (inMemory.has(part.generation) || part.to < from - t.bucketMs || bucketStart(part.from, Math.max(1, t.bucketMs)) >= to) continue;
        out.push(part);
      }
    }
    return out;
  }
}
