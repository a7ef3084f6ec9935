import { RollupBucket } from '../../src/storage/rollups/rollup-bucket';

/** A bucket at `start` holding `values`. */
export function bucketOf(start: number, values: ArrayLike<number>): RollupBucket {
  const bucket = new RollupBucket(start);
  for (let i = 0; i < values.length; i++) bucket.add(values[i]);
  return bucket;
}
