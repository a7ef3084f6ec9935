import { bucketStart } from '../../common/time/bucket-start';
import { BucketColumns } from '../rollups/bucket-columns';
import { RollupBucket } from '../rollups/rollup-bucket';
import { bucketColumnsOfSamples } from '../rollups/rollup-codec';
import { decodeSampleColumns } from './sample-columns';
import { TIERS } from './tiers';

const MINUTE = TIERS['1m'].bucketMs;

/**
 * The 1-minute buckets of one series of a raw part (its chunk list), in time order: what the 1m
 * tier holds for it. Raw parts stand in for the 1m tier while they are kept; the buckets are
 * stored only when raw expires, from these same samples in the same order, so a query answers
 * the same before and after.
 */
export function minuteBucketsOf(payload: Uint8Array): RollupBucket[] {
  const { times, values } = decodeSampleColumns(payload);
  const buckets: RollupBucket[] = [];
  for (let i = 0; i < times.length; i++) {
    const start = bucketStart(times[i], MINUTE);
    if (buckets.length === 0 || buckets[buckets.length - 1].start !== start) buckets.push(new RollupBucket(start));
    buckets[buckets.length - 1].add(values[i]);
  }
  return buckets;
}

/** minuteBucketsOf as the columns queries read: equal to decodeBucketColumns(encodeBuckets(minuteBucketsOf(payload))). */
export function minuteColumnsOf(payload: Uint8Array): BucketColumns {
  const { times, values } = decodeSampleColumns(payload);
  return bucketColumnsOfSamples(times, values, MINUTE);
}
