/** How failed deliveries are retried: exponential backoff with full jitter, bounded by attempts and age. */
export interface RetrySettings {
  maxAttempts: number;
  maxAgeSeconds: number;
  baseSeconds: number;
  maxDelaySeconds: number;
}

/**
 * The delay before attempt `attempts + 1` after `attempts` failed ones: base * 2^(attempts-1), capped,
 * with "equal jitter" (half fixed, half random) so receivers that failed together are not retried in lockstep
 * and the delay still grows. `random` is in [0, 1).
 */
export function retryDelayMs(attempts: number, settings: RetrySettings, random: number): number {
  const exponential = Math.min(settings.maxDelaySeconds, settings.baseSeconds * 2 ** Math.max(0, attempts - 1)) * 1000;
  return Math.round(exponential / 2 + (exponential / 2) * random);
}

/** When to try a failed delivery again, or undefined when it has failed for good. */
export function nextAttemptAt(attempts: number, createdAt: number, now: number, settings: RetrySettings, random: number): number | undefined {
  if (attempts >= settings.maxAttempts) return undefined;
  const at = now + retryDelayMs(attempts, settings, random);
  return at - createdAt > settings.maxAgeSeconds * 1000 ? undefined : at;
}
