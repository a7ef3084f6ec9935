import { RollupBucket } from '../../storage/rollups/rollup-bucket';
import { BucketInput } from '../query/step-columns';

/**
 * A stored rollup bucket as the engine's bucket builder takes it: its sketch as (value, count)
 * bins, or one bin when all its samples are equal. Rollups keep no first/last sample, so
 * per-series functions read raw samples instead (the trends service sees to it).
 */
export function bucketInput(bucket: RollupBucket): BucketInput {
  const binValues: number[] = [];
  const binCounts: number[] = [];
  const sketch = bucket.sketch;
  if (sketch === undefined) {
    binValues.push(bucket.min);
    binCounts.push(bucket.count);
  } else {
    const { mapping, negativeStore, store } = sketch;
    for (let i = negativeStore.bins.length - 1; i >= 0; i--) {
      if (negativeStore.bins[i] > 0) {
        binValues.push(-mapping.value(i + negativeStore.offset));
        binCounts.push(negativeStore.bins[i]);
      }
    }
    if (sketch.zeroCount > 0) {
      binValues.push(0);
      binCounts.push(sketch.zeroCount);
    }
    store.bins.forEach((n, i) => {
      if (n > 0) {
        binValues.push(mapping.value(i + store.offset));
        binCounts.push(n);
      }
    });
  }
  return {
    start: bucket.start,
    count: bucket.count,
    sum: bucket.sum,
    min: bucket.min,
    max: bucket.max,
    first: NaN,
    last: NaN,
    increase: NaN,
    binValues,
    binCounts,
  };
}
