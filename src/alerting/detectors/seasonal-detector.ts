import { AnomalyDetector, AnomalySettings, AnomalyVerdict } from './anomaly-detector';
import { flooredSpread, formatSeconds, MAD_TO_SIGMA, scoredVerdict, skippedVerdict, trainingVerdict, warmupPoints } from './scoring';
import { SortedWindow } from './sorted-window';

/** A season is cut into at most this many phase slots (a day into minutes); finer steps average into their slot. */
export const MAX_SEASON_SLOTS = 1_440;
/** The spread of the values at a phase is trusted from this many on (3 seasons of 3 slots). */
const MIN_SLOT_VALUES = 9;
/** At most this many earlier seasons are kept (four weeks of days): ~360 KB per series at 1,440 slots. */
export const MAX_SEASONS = 28;

/**
 * SEASONAL: the baseline of a point is the median of what the series did at the same phase of the last
 * K = trainingSeconds / seasonSeconds seasons (at least 1), in its phase slot and the slot either side
 * (3K values, so a pattern that comes a slot early or late still matches), plus an offset: the median of
 * the residuals x - baseline over the last season's worth of points (at most MAX_SEASON_SLOTS). The slots
 * learn x - offset, so the offset carries the series' level and the slots its profile.
 * score = (x - baseline - offset) / spread, where spread is the larger of the robust spread
 * (SortedWindow.robustSpread) of those residuals and 1.4826 x the MAD of the 3K values at this phase
 * (from 9 of them on): noise often grows with the level (a rate at its daily peak), and one spread for the
 * whole season would call every busy hour's noise an anomaly.
 *
 * Phases are of epoch time (UTC): a daily season's slot 0 starts at midnight UTC. Each slot of each
 * season holds the mean of the points in it. It trains until the same phase has a value in an earlier
 * season (a full season after the first point) and the residual window its warm-up. Every point is
 * learned: a one-off anomaly is outvoted by the other seasons, a changed pattern becomes the baseline
 * once it holds in over half of them, and a shift of level moves the offset once it fills half the
 * residual window (half a season), for good. Memory: 8 bytes x (K + 1) x slots, plus 16 bytes per residual point.
 */
export class SeasonalDetector implements AnomalyDetector {
  private readonly seasons: number;
  private readonly slots: number;
  private readonly slotMs: number;
  /** (seasons + 1) rows of slots, row = season number mod (seasons + 1); NaN where a slot had no point. */
  private readonly cells: Float64Array;
  private readonly residuals: SortedWindow;
  private readonly warmup: number;
  private readonly scratch: Float64Array;
  private readonly deviations: Float64Array;
  private readonly context: string;
  private season = NaN;
  private openCell = -1;
  private openCount = 0;
  private lastAt = -Infinity;
  /** The median residual: the level the series now has over its seasonal profile. */
  private offset = 0;
  /** 1.4826 x the MAD of the values the last baseline was the median of (0 when there were too few). */
  private slotSpread = 0;

  constructor(private readonly settings: AnomalySettings) {
    const { seasonSeconds, stepSeconds, trainingSeconds } = settings;
    if (!(stepSeconds > 0) || !(seasonSeconds >= 2 * stepSeconds)) {
      throw new RangeError(`SEASONAL needs seasonSeconds of at least two steps, got ${seasonSeconds} s at a step of ${stepSeconds} s`);
    }
    this.seasons = Math.max(1, Math.floor(trainingSeconds / seasonSeconds));
    if (this.seasons > MAX_SEASONS) throw new RangeError(`SEASONAL keeps at most ${MAX_SEASONS} seasons, trainingSeconds / seasonSeconds is ${this.seasons}`);
    this.slots = Math.min(MAX_SEASON_SLOTS, Math.round(seasonSeconds / stepSeconds));
    this.slotMs = (seasonSeconds * 1000) / this.slots;
    this.cells = new Float64Array((this.seasons + 1) * this.slots).fill(NaN);
    this.residuals = new SortedWindow(this.slots);
    this.warmup = warmupPoints(this.slots);
    this.scratch = new Float64Array(3 * this.seasons);
    this.deviations = new Float64Array(3 * this.seasons);
    this.context = ` of the same time in the last ${this.seasons} x ${formatSeconds(seasonSeconds)}`;
  }

  update(at: number, value: number): AnomalyVerdict {
    if (!Number.isFinite(value)) return skippedVerdict(`${value} is not a finite value`);
    if (!(at > this.lastAt)) return skippedVerdict(`${at} is not after the previous point`);
    this.lastAt = at;
    const slot = Math.floor(at / this.slotMs);
    this.enterSeason(Math.floor(slot / this.slots));
    const verdict = this.judge(value, this.baseline(slot));
    this.learn(slot, value);
    return verdict;
  }

  private judge(value: number, baseline: number): AnomalyVerdict {
    if (Number.isNaN(baseline)) return trainingVerdict(0, 1, 'earlier seasons with a value at this time');
    const learned = this.residuals.size;
    let verdict: AnomalyVerdict;
    if (learned < this.warmup) verdict = trainingVerdict(learned, this.warmup, 'residuals');
    else {
      const expected = baseline + this.offset;
      const spread = flooredSpread(Math.max(this.residuals.robustSpread(this.offset), this.slotSpread), expected);
      verdict = scoredVerdict(this.settings, value, expected, spread, ['deviations', 'the seasonal baseline', this.context]);
    }
    this.residuals.push(value - baseline);
    this.offset = this.residuals.median();
    return verdict;
  }

  /** Median of the slot and its neighbours in each of the last K seasons; NaN when none has a value. */
  private baseline(slot: number): number {
    let n = 0;
    for (let back = 1; back <= this.seasons; back++) {
      for (let neighbour = -1; neighbour <= 1; neighbour++) {
        const past = slot - back * this.slots + neighbour;
        const pastSeason = Math.floor(past / this.slots);
        // The slot before the oldest season's first lies in a season whose row is being rewritten.
        if (pastSeason < this.season - this.seasons) continue;
        const value = this.cells[this.cellOf(past, pastSeason)];
        if (!Number.isNaN(value)) this.scratch[n++] = value;
      }
    }
    if (n === 0) return NaN;
    const median = medianOfSorted(this.scratch.subarray(0, n).sort());
    const deviations = this.deviations.subarray(0, n);
    for (let i = 0; i < n; i++) deviations[i] = Math.abs(this.scratch[i] - median);
    this.slotSpread = n >= MIN_SLOT_VALUES ? MAD_TO_SIGMA * medianOfSorted(deviations.sort()) : 0;
    return median;
  }

  /** Clears the rows of the seasons that start, so a row never mixes two seasons (also across gaps). */
  private enterSeason(season: number): void {
    if (season === this.season) return;
    const first = Number.isNaN(this.season) ? season : Math.max(this.season + 1, season - this.seasons);
    for (let s = first; s <= season; s++) this.cells.fill(NaN, this.rowOf(s) * this.slots, (this.rowOf(s) + 1) * this.slots);
    this.season = season;
    this.openCell = -1;
  }

  private learn(slot: number, value: number): void {
    const cell = this.cellOf(slot, this.season);
    if (cell !== this.openCell) {
      this.openCell = cell;
      this.openCount = 0;
      this.cells[cell] = 0;
    }
    this.openCount++;
    // The profile is kept net of the offset, so a shift of level lives in the offset alone.
    this.cells[cell] += (value - this.offset - this.cells[cell]) / this.openCount;
  }

  private rowOf(season: number): number {
    const rows = this.seasons + 1;
    return ((season % rows) + rows) % rows;
  }

  private cellOf(slot: number, season: number): number {
    return this.rowOf(season) * this.slots + (slot - season * this.slots);
  }
}

function medianOfSorted(sorted: Float64Array): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
