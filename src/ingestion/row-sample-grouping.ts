import type { Label } from '../common/labels/label';

/** The accepted samples of one series, in arrival order. */
export interface ValidSeries {
  agentId: string;
  metric: string;
  labels: Label[];
  /** The series' catalog id, when the catalog admitted it. */
  seriesId?: number;
  timestamps: number[];
  values: number[];
}

/**
 * The series of one batch by identity (agent, metric, labels), so that row samples and columnar
 * ones of the same series reach the write path as one pair of columns.
 */
export class SeriesGrouping {
  private readonly byKey = new Map<string, ValidSeries>();

  /** The series samples of this identity are added to; labels must already be sorted. */
  target(agentId: string, metric: string, labels: Label[], seriesId?: number): ValidSeries {
    const key = labelledSeriesKey(agentId, metric, labels);
    let series = this.byKey.get(key);
    if (series === undefined) {
      series = { agentId, metric, labels, seriesId, timestamps: [], values: [] };
      this.byKey.set(key, series);
    }
    return series;
  }

  /** The series that received samples, in the order they were first named. */
  series(): ValidSeries[] {
    return [...this.byKey.values()].filter((s) => s.values.length > 0);
  }
}

/** Copies of the labels, sorted by name: the order a series' identity and stored labels use. */
export function sortLabels(labels: Label[]): Label[] {
  return labels.map(({ name, value }) => ({ name, value })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Identity of a series within a batch, labels included; labels must already be sorted. */
export function labelledSeriesKey(agentId: string, metric: string, labels: Label[]): string {
  let key = `${agentId}\u0000${metric}`;
  for (const l of labels) key += `\u0000${l.name}\u0001${l.value}`;
  return key;
}
