import { bucketStart } from '../../common/time/bucket-start';

/**
 * The stored resolutions of a series. Each tier keeps its parts in manifests of one
 * period (a manifest is the unit of compaction and of retention); a closed period of
 * a tier is rolled up into the next coarser tier. Raw rolls up straight into 1h: while raw
 * is kept, the 1m buckets of its period are computed from it on read, and stored as a 1m
 * part only when raw expires.
 */
export type TierName = 'raw' | '1m' | '1h' | '1d';

export interface Tier {
  name: TierName;
  /** Bucket width; 0 for raw samples. */
  bucketMs: number;
  /** Width of one manifest: parts never straddle it. */
  periodMs: number;
  /** The coarser tier this one rolls up into (raw: its minute buckets, computed from the samples). */
  next?: TierName;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const TIERS: Record<TierName, Tier> = {
  raw: { name: 'raw', bucketMs: 0, periodMs: HOUR, next: '1h' },
  '1m': { name: '1m', bucketMs: MINUTE, periodMs: HOUR, next: '1h' },
  '1h': { name: '1h', bucketMs: HOUR, periodMs: DAY, next: '1d' },
  '1d': { name: '1d', bucketMs: DAY, periodMs: 32 * DAY },
};

/** Rollup tiers from fine to coarse. */
export const ROLLUP_TIERS: Tier[] = [TIERS['1m'], TIERS['1h'], TIERS['1d']];

export type Retention = Record<TierName, number>;

export const periodStart = (t: number, tier: Tier): number => bucketStart(t, tier.periodMs);

/**
 * The coarsest tier that answers `stepMs` exactly: its bucket divides the step. Coarser
 * tiers are also kept longer, so no finer tier could cover more of the range.
 */
export function chooseTier(stepMs: number): Tier {
  return [...ROLLUP_TIERS].reverse().find((tier) => stepMs % tier.bucketMs === 0) ?? TIERS.raw;
}
