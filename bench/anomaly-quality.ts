/**
 * Detection quality of the anomaly detectors (src/alerting/detectors) on generated series, printing
 * one JSON object. Deterministic (seeded PRNG), in memory, no server.
 *
 *   npm run build && npm run bench:anomalies      (or node dist/bench/anomaly-quality.js [seed])
 *   SERIES_PER_KIND=30 SENSITIVITIES=3,3.5,4,5 METHODS=ROBUST_Z,EWMA,SEASONAL override the defaults below.
 *
 * Every series is 14 days of 1-minute points, fed to each method at a 60 s step; only alerts that fire
 * in the last 6 days are scored, so every method (SEASONAL with its week of history too) has a full
 * training window behind it. An alert is a run of anomalous verdicts, firing at its first point with
 * forSeconds 0, or once it has lasted forSeconds (forSeconds / 60 + 1 points, as a rule evaluated every
 * minute fires), as it would with keepFiringForSeconds 0.
 *
 * Clean families (no label): gaussian noise; heavy-tailed noise (Student t, 3 degrees of freedom);
 * autocorrelated noise (AR(1), phi 0.95); a daily pattern (a peak of random hour, width and height
 * over a level, plus noise); and the per-second RATE, computed by the query engine's own function
 * (applySeriesFunction) from a counter sampled every 10 s, of a daily-varying Poisson process that
 * restarts about once a day (down for 0-120 s, counter back to 0): what an ANOMALY rule on a counter sees.
 * Injected kinds (one per series, on a gauge family, in the scored days; sigma = the family's noise):
 * spike (1-3 points of 4-10 sigma), level shift (3-8 sigma, for good), drift (a ramp to 5-10 sigma over
 * 2-8 h, then staying), variance change (noise x3-6 for 6 h), changed daily pattern (daily family
 * only: for one day the peak comes 3-8 h late, or is missing).
 * An alert is true when it fires inside a label window: the spike itself (+2 points), 6 h from the start
 * of a shift, the ramp + 6 h of a drift, the 6 h of a variance change, the changed day. Recall = labels
 * with a true alert; precision = true alerts / alerts on the injected series; delay = from the label's
 * start to its first true alert. Clean series give false alerts per series-day.
 */
import { AnomalyMethod, AnomalySettings } from '../src/alerting/detectors/anomaly-detector';
import { ANOMALY_DEFAULTS, anomalySettings, createDetector } from '../src/alerting/detectors/detector-factory';
import { isAnomalous } from '../src/alerting/detectors/scoring';
import { columnsFromSamples } from '../src/dashboard/query/step-columns';
import { applySeriesFunction } from '../src/dashboard/query/series-functions';
import { stepGrid } from '../src/dashboard/query/step-grid';
import { gaussian } from '../test/support/detector-series';
import { seededRandom } from '../test/support/seeded-random';
import { envNumber } from './support/env';

const SEED = Number(process.argv[2] ?? 20261202);
const STEP_SECONDS = 60;
const PER_DAY = 86_400 / STEP_SECONDS;
const DAYS = 14;
const POINTS = DAYS * PER_DAY;
const SCORED_FROM = 8 * PER_DAY;
const SERIES_PER_KIND = envNumber('SERIES_PER_KIND', 30, { positive: true });
const SENSITIVITIES = (process.env.SENSITIVITIES ?? '3,3.5,4,5').split(',').map(Number);
const FOR_SECONDS = [0, 300];
const METHODS = (process.env.METHODS ?? 'ROBUST_Z,EWMA,SEASONAL').split(',') as AnomalyMethod[];
/** Other training windows tried in the sweep, beside the default of each method. */
const TRAINING_ALTERNATIVES: Record<AnomalyMethod, number[]> = { ROBUST_Z: [3_600, 6 * 3_600], EWMA: [3_600, 6 * 3_600], SEASONAL: [3 * 86_400] };

const CLEAN_FAMILIES = ['noise', 'heavy-tail', 'autocorrelated', 'daily', 'counter-rate'] as const;
const GAUGE_FAMILIES = ['noise', 'heavy-tail', 'autocorrelated', 'daily'] as const;
const KINDS = ['spike', 'level-shift', 'drift', 'variance-change', 'daily-pattern-change'] as const;
type Family = (typeof CLEAN_FAMILIES)[number];
type Kind = (typeof KINDS)[number];

interface Label {
  start: number;
  end: number;
}
interface Series {
  family: Family;
  kind?: Kind;
  values: Float64Array;
  label?: Label;
}

const random = seededRandom(SEED);
const uniform = (low: number, high: number) => low + (high - low) * random();
const integer = (low: number, high: number) => Math.floor(uniform(low, high + 1));
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];

/** Student t with 3 degrees of freedom, scaled to unit variance. */
function heavyTail(): number {
  let chi = 0;
  for (let k = 0; k < 3; k++) chi += gaussian(random) ** 2;
  return gaussian(random) / Math.sqrt(chi / 3) / Math.sqrt(3);
}

/** A daily shape in 0..1: a peak at `peakHour` (UTC) whose width falls with `sharpness`. */
function dailyShape(peakHour: number, sharpness: number): (point: number, lateHours?: number) => number {
  return (point, lateHours = 0) => (0.5 * (1 + Math.cos((2 * Math.PI * ((point * STEP_SECONDS) / 3600 - peakHour - lateHours)) / 24))) ** sharpness;
}

interface Gauge {
  values: Float64Array;
  /** The noise in each value, which a variance change rescales. */
  noise: Float64Array;
  sigma: number;
  shape?: ReturnType<typeof dailyShape>;
  level: number;
  amplitude: number;
}

function gauge(family: (typeof GAUGE_FAMILIES)[number]): Gauge {
  const level = uniform(50, 500);
  const sigma = level * uniform(0.01, 0.05);
  const draw: Record<(typeof GAUGE_FAMILIES)[number], (previous: number) => number> = {
    noise: () => sigma * gaussian(random),
    'heavy-tail': () => sigma * heavyTail(),
    autocorrelated: (previous) => 0.95 * previous + Math.sqrt(1 - 0.95 ** 2) * sigma * gaussian(random),
    daily: () => sigma * gaussian(random),
  };
  const shape = family === 'daily' ? dailyShape(uniform(8, 20), uniform(1, 4)) : undefined;
  const amplitude = shape ? level * uniform(0.3, 1) : 0;
  const values = new Float64Array(POINTS);
  const noise = new Float64Array(POINTS);
  for (let i = 0; i < POINTS; i++) {
    noise[i] = draw[family](i > 0 ? noise[i - 1] : 0);
    values[i] = level + (shape ? amplitude * shape(i) : 0) + noise[i];
  }
  return { values, noise, sigma, shape, level, amplitude };
}

/** The RATE a rule sees of a restarting counter of a daily-varying Poisson process sampled every 10 s. */
function counterRate(): Float64Array {
  const perSecond = uniform(5, 200);
  const shape = dailyShape(uniform(8, 20), uniform(1, 3));
  const times: number[] = [];
  const counts: number[] = [];
  let counter = 0;
  let nextRestart = -Math.log(1 - random()) * 86_400;
  for (let t = 0; t < DAYS * 86_400; t += 10) {
    if (t >= nextRestart) {
      counter = 0;
      t += Math.floor(uniform(0, 12)) * 10; // down for 0-120 s: no samples
      nextRestart = t + -Math.log(1 - random()) * 86_400;
    }
    const mean = 10 * perSecond * (0.4 + 0.6 * shape(t / STEP_SECONDS));
    counter += Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(random)));
    times.push(t * 1000);
    counts.push(counter);
  }
  const grid = stepGrid(0, DAYS * 86_400_000, STEP_SECONDS * 1000);
  return applySeriesFunction('RATE', columnsFromSamples(grid, times, counts), grid.stepMs);
}

function injected(kind: Kind): Series {
  const family = kind === 'daily-pattern-change' ? 'daily' : pick(GAUGE_FAMILIES);
  const g = gauge(family);
  const v = g.values;
  const sign = random() < 0.5 ? -1 : 1;
  const start = integer(SCORED_FROM + PER_DAY / 2, POINTS - 2 * PER_DAY);
  let end: number;
  if (kind === 'spike') {
    const length = integer(1, 3);
    const size = sign * uniform(4, 10) * g.sigma;
    for (let i = start; i < start + length; i++) v[i] += size;
    end = start + length + 2;
  } else if (kind === 'level-shift') {
    const size = sign * uniform(3, 8) * g.sigma;
    for (let i = start; i < POINTS; i++) v[i] += size;
    end = start + 6 * 60;
  } else if (kind === 'drift') {
    const size = sign * uniform(5, 10) * g.sigma;
    const ramp = integer(2 * 60, 8 * 60);
    for (let i = start; i < POINTS; i++) v[i] += size * Math.min(1, (i - start) / ramp);
    end = start + ramp + 6 * 60;
  } else if (kind === 'variance-change') {
    end = start + 6 * 60;
    const scale = uniform(3, 6);
    for (let i = start; i < end; i++) v[i] += (scale - 1) * g.noise[i];
  } else {
    // One whole UTC day: the peak comes late, or not at all.
    const dayStart = Math.floor(start / PER_DAY) * PER_DAY;
    end = dayStart + PER_DAY;
    const late = random() < 0.5 ? 0 : uniform(3, 8);
    for (let i = dayStart; i < end; i++) v[i] += g.amplitude * ((late === 0 ? 0 : g.shape!(i, late)) - g.shape!(i));
    return { family, kind, values: v, label: { start: dayStart, end } };
  }
  return { family, kind, values: v, label: { start, end } };
}

/** The firing points of the alerts: the point at which each run of anomalous verdicts has lasted forSeconds. */
function alertsOf(anomalous: Uint8Array, forSeconds: number): number[] {
  const need = forSeconds / STEP_SECONDS + 1;
  const fired: number[] = [];
  let run = 0;
  for (let i = 0; i < anomalous.length; i++) {
    run = anomalous[i] ? run + 1 : 0;
    if (run === need && i >= SCORED_FROM) fired.push(i);
  }
  return fired;
}

/** The score of every point (NaN while training or skipped). */
function scores(settings: AnomalySettings, values: Float64Array): { scores: Float32Array; micros: number } {
  const detector = createDetector(settings);
  const out = new Float32Array(values.length);
  const started = process.hrtime.bigint();
  for (let i = 0; i < values.length; i++) out[i] = detector.update(i * STEP_SECONDS * 1000, values[i]).score;
  return { scores: out, micros: Number(process.hrtime.bigint() - started) / 1000 };
}

function anomalousAt(scored: Float32Array, sensitivity: number): Uint8Array {
  return Uint8Array.from(scored, (score) => (isAnomalous(score, { direction: 'BOTH', sensitivity }) ? 1 : 0));
}

interface Score {
  labels: number;
  detected: number;
  recall: number;
  alerts: number;
  trueAlerts: number;
  precision: number | null;
  meanDelaySteps: number | null;
  meanDelaySeconds: number | null;
}

function score(series: Series[], runs: Uint8Array[], forSeconds: number): Score {
  let detected = 0;
  let alerts = 0;
  let trueAlerts = 0;
  let delaySum = 0;
  series.forEach((s, k) => {
    const fired = alertsOf(runs[k], forSeconds);
    const inLabel = fired.filter((i) => i >= s.label!.start && i < s.label!.end);
    alerts += fired.length;
    trueAlerts += inLabel.length;
    if (inLabel.length > 0) {
      detected++;
      delaySum += inLabel[0] - s.label!.start;
    }
  });
  const delay = detected > 0 ? delaySum / detected : null;
  return {
    labels: series.length,
    detected,
    recall: round(detected / series.length),
    alerts,
    trueAlerts,
    precision: alerts > 0 ? round(trueAlerts / alerts) : null,
    meanDelaySteps: delay === null ? null : round(delay),
    meanDelaySeconds: delay === null ? null : Math.round(delay * STEP_SECONDS),
  };
}

function falseAlertsPerSeriesDay(runs: Uint8Array[], forSeconds: number): number {
  const alerts = runs.reduce((sum, r) => sum + alertsOf(r, forSeconds).length, 0);
  return round(alerts / (runs.length * (DAYS - SCORED_FROM / PER_DAY)), 3);
}

const round = (x: number, digits = 3) => Number(x.toFixed(digits));

const clean: Series[] = CLEAN_FAMILIES.flatMap((family) =>
  Array.from({ length: SERIES_PER_KIND }, () => ({ family, values: family === 'counter-rate' ? counterRate() : gauge(family).values })),
);
const anomalies: Series[] = KINDS.flatMap((kind) => Array.from({ length: SERIES_PER_KIND }, () => injected(kind)));

interface Run {
  method: AnomalyMethod;
  sensitivity: number;
  trainingSeconds: number;
  clean: Uint8Array[];
  anomalies: Uint8Array[];
  microsPerUpdate: number;
}

/**
 * The verdicts of a method at each sensitivity. ROBUST_Z and SEASONAL learn every point whatever the
 * sensitivity, so one pass scores them all; EWMA clips what it learns at the sensitivity, so it runs each.
 */
function runs(method: AnomalyMethod, trainingSeconds: number): Run[] {
  const passes = method === 'EWMA' ? SENSITIVITIES.map((s) => [s]) : [SENSITIVITIES];
  return passes.flatMap((sensitivities) => {
    const settings = anomalySettings({ method, sensitivity: sensitivities[0], trainingSeconds }, STEP_SECONDS);
    let micros = 0;
    const feed = (s: Series) => {
      const result = scores(settings, s.values);
      micros += result.micros;
      return result.scores;
    };
    const cleanScores = clean.map(feed);
    const anomalyScores = anomalies.map(feed);
    const microsPerUpdate = round(micros / ((clean.length + anomalies.length) * POINTS), 2);
    return sensitivities.map((sensitivity) => ({
      method,
      sensitivity,
      trainingSeconds,
      clean: cleanScores.map((x) => anomalousAt(x, sensitivity)),
      anomalies: anomalyScores.map((x) => anomalousAt(x, sensitivity)),
      microsPerUpdate,
    }));
  });
}

function summary(r: Run, forSeconds: number) {
  const all = score(anomalies, r.anomalies, forSeconds);
  return {
    method: r.method,
    trainingSeconds: r.trainingSeconds,
    sensitivity: r.sensitivity,
    forSeconds,
    recall: all.recall,
    precision: all.precision,
    meanDelaySeconds: all.meanDelaySeconds,
    falseAlertsPerSeriesDay: falseAlertsPerSeriesDay(r.clean, forSeconds),
  };
}

function detail(r: Run) {
  const byFor = (f: (forSeconds: number) => unknown) => Object.fromEntries(FOR_SECONDS.map((s) => [`forSeconds=${s}`, f(s)]));
  return {
    microsPerUpdate: r.microsPerUpdate,
    kinds: Object.fromEntries(
      KINDS.map((kind) => {
        const picked = anomalies.flatMap((s, k) => (s.kind === kind ? [k] : []));
        return [
          kind,
          byFor((forSeconds) =>
            score(
              picked.map((k) => anomalies[k]),
              picked.map((k) => r.anomalies[k]),
              forSeconds,
            ),
          ),
        ];
      }),
    ),
    cleanFalseAlertsPerSeriesDay: Object.fromEntries(
      CLEAN_FAMILIES.map((family) => [
        family,
        byFor((forSeconds) =>
          falseAlertsPerSeriesDay(
            r.clean.filter((_, k) => clean[k].family === family),
            forSeconds,
          ),
        ),
      ]),
    ),
  };
}

const sweep: ReturnType<typeof summary>[] = [];
const defaults: Record<string, ReturnType<typeof detail>> = {};
for (const method of METHODS) {
  const trainings = [ANOMALY_DEFAULTS.trainingSeconds[method], ...TRAINING_ALTERNATIVES[method]];
  for (const trainingSeconds of trainings) {
    for (const r of runs(method, trainingSeconds)) {
      if (trainingSeconds === ANOMALY_DEFAULTS.trainingSeconds[method] && r.sensitivity === ANOMALY_DEFAULTS.sensitivity) defaults[method] = detail(r);
      for (const forSeconds of FOR_SECONDS) sweep.push(summary(r, forSeconds));
    }
  }
}

console.log(
  JSON.stringify(
    {
      seed: SEED,
      stepSeconds: STEP_SECONDS,
      days: DAYS,
      scoredDays: DAYS - SCORED_FROM / PER_DAY,
      seriesPerKind: SERIES_PER_KIND,
      defaults: { ...ANOMALY_DEFAULTS, results: defaults },
      sweep,
    },
    null,
    2,
  ),
);
