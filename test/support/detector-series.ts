import { AnomalyDetector, AnomalyVerdict } from '../../src/alerting/detectors/anomaly-detector';

/** A standard normal draw (Box-Muller) from a uniform source such as seededRandom. */
export function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Feeds `values` one step apart from `startMs` and returns the verdicts. */
export function feed(detector: AnomalyDetector, values: ArrayLike<number>, stepSeconds: number, startMs = 0): AnomalyVerdict[] {
  const verdicts: AnomalyVerdict[] = [];
  for (let i = 0; i < values.length; i++) verdicts.push(detector.update(startMs + i * stepSeconds * 1000, values[i]));
  return verdicts;
}

/** Indexes of the anomalous verdicts. */
export function flagged(verdicts: AnomalyVerdict[]): number[] {
  return verdicts.flatMap((v, i) => (v.anomalous ? [i] : []));
}
