import { BucketColumns, BucketColumnsBuilder } from '../../src/storage/rollups/bucket-columns';

/** A rollup bucket written out in full, as tests and benchmarks make them up. */
export interface BucketSpec {
  start: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  first: number;
  last: number;
  increase: number;
  binValues: ArrayLike<number>;
  binCounts: ArrayLike<number>;
}

/** The buckets as one columnar fragment. */
export function bucketColumnsOf(buckets: readonly BucketSpec[]): BucketColumns {
  const builder = new BucketColumnsBuilder();
  for (const b of buckets) {
    builder.bucket(b.start, b.count, b.sum, b.min, b.max, b.first, b.last, b.increase);
    for (let i = 0; i < b.binValues.length; i++) builder.bin(b.binValues[i], b.binCounts[i]);
  }
  return builder.finish();
}
