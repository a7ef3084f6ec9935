/**
 * Phi-accrual suspicion (Hayashibara et al., "The φ accrual failure detector", 2004, as
 * in Akka and Cassandra), for heartbeats that may be lost:
 *
 *   φ(t) = -log10 P(no heartbeat for t | the agent is alive)
 *
 * The next heartbeat to arrive is the k-th one sent, the k-1 before it lost (each with
 * probability `lossRate`, independently), after k inter-arrival times whose sum is taken as
 * normal with mean k·mean and variance k·std² (intervals of a sleep loop add up):
 *
 *   P(silence > t) = Σ_k (1 - q)·q^(k-1)·Q((t - k·mean) / (std·√k))
 *
 * So φ is about 2 per expected heartbeat missing at 1% loss, smoothed by the jitter: the
 * chance of a live agent ever reaching φ in an interval is 10^-φ. Akka's normal model
 * without losses would call every lost heartbeat of a regular agent a near-certain failure.
 */
export function suspicion(silenceMs: number, meanMs: number, stdMs: number, lossRate: number): number {
  if (!(silenceMs > 0) || !(meanMs > 0)) return 0;
  let survival = 0;
  let weight = 1 - lossRate;
  // The terms left after k are at most q^k (all of the probability of k losses in a row).
  for (let k = 1; k <= MAX_TERMS; k++, weight *= lossRate) {
    survival += weight * normalSurvival((silenceMs - k * meanMs) / (stdMs * Math.sqrt(k)));
    if (weight * lossRate <= RELATIVE_PRECISION * survival) break;
  }
  return -Math.log10(Math.max(survival, Number.MIN_VALUE));
}

/** Enough for losses up to 50% (the bound of the setting): 0.5^60 is far below any φ threshold. */
const MAX_TERMS = 60;
const RELATIVE_PRECISION = 1e-6;

/** P(Z > z) for a standard normal Z, accurate in the far tail too (that is where φ lives). */
function normalSurvival(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** Complementary error function, fractional error below 1.2e-7 everywhere (Numerical Recipes' erfcc). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
