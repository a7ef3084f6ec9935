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
   * parts, plus the parts of finer rollup tiers not yet rolled up into a coarser one.
   * Parts written by the generations in `inMemory` are skipped: those heads are read instead.
   */
  partsFor(tier: Tier, environment: string, metric: string, from: number, to: number, inMemory: ReadonlySet<number>): PartEntry[] {
    const tiers = tier.name === 'raw' ? [TIERS.raw] : ROLLUP_TIERS.slice(0, ROLLUP_TIERS.indexOf(tier) + 1);
    const out: PartEntry[] = [];
    for (const t of tiers) {
      const ownTier = t === tier;
      for (let start = periodStart(from, t); start < to; start += t.periodMs) {
        for (const part of this.manifests.get(manifestId(t.name, environment, metric, start))?.parts ?? []) {
          if (!ownTier && part.rolledUp) continue;
          if (inMemory.has(part.generation) || part.to < from - t.bucketMs || part.from >= to) continue;
          out.push(part);
        }
      }
    }
    return out;
  }
}
