/** Start of the bucket of width `bucketMs` that holds `t`: floors towards -Infinity, so also for t < 0. */
export function bucketStart(t: number, bucketMs: number): number {
  if (!Number.isSafeInteger(bucketMs) || bucketMs <= 0) throw new RangeError(`bucket width must be a positive integer, got ${bucketMs}`);
  if (!Number.isFinite(t)) throw new RangeError(`bucketStart: t must be finite, got ${t}`);
  // % and the subtraction are exact for any finite t, where t / bucketMs would round the quotient.
  const r = t % bucketMs;
  return r < 0 ? t - r - bucketMs : t - r;
}
