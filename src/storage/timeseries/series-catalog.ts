import type { Label } from '../../common/labels/label';

/** One stored series: environment + metric + agent + its own labels (sorted by name), under a short id. */
export interface SeriesEntry {
  id: number;
  environment: string;
  metric: string;
  agentId: string;
  labels: readonly Label[];
}

/** Per environment: at most this many series, and this many distinct values of one label name. */
export interface CardinalityLimits {
  maxSeries: number;
  maxLabelValues: number;
}

export type Admission = { ok: true; entry: SeriesEntry; created: boolean } | { ok: false; reason: string };

/** The identity of a series as one string: labels are sorted by name first. */
export function seriesIdentity(environment: string, metric: string, agentId: string, labels: readonly Label[]): string {
  let key = `${environment}\u0000${metric}\u0000${agentId}`;
  for (const label of labels) key += `\u0000${label.name}\u0001${label.value}`;
  return key;
}

/** The labels sorted by name (the input itself when already sorted), the canonical order of an identity. */
export function sortedLabels(labels: readonly Label[]): readonly Label[] {
  for (let i = 1; i < labels.length; i++) {
    if (labels[i - 1].name > labels[i].name) return [...labels].sort((a, b) => (a.name < b.name ? -1 : 1));
  }
  return labels;
}

interface EnvironmentIndex {
  series: number;
  /** label name -> distinct values, for the cardinality bound and for labelValues. */
  values: Map<string, Set<string>>;
  /** metric -> its series. */
  byMetric: Map<string, SeriesEntry[]>;
}

/**
 * Every series ever admitted, in memory: the one place a series' labels are kept (parts and
 * rollups carry only the id). New series are admitted here before their samples enter the log,
 * which is where the per-environment cardinality bounds are enforced; the store saves the
 * entries not yet persisted at each checkpoint, before the parts that name them.
 */
export class SeriesCatalog {
  private readonly byIdentity = new Map<string, SeriesEntry>();
  private readonly byId = new Map<number, SeriesEntry>();
  private readonly environments = new Map<string, EnvironmentIndex>();
  private unsaved: SeriesEntry[] = [];
  private nextId = 1;

  constructor(private readonly limits: CardinalityLimits) {}

  /** Entries read back from the database at start. */
  load(entries: readonly SeriesEntry[]): void {
    for (const entry of entries) this.index(entry);
  }

  /** The entry of an identity, creating it within the environment's bounds. `labels` must be sorted. */
  admit(environment: string, metric: string, agentId: string, labels: readonly Label[]): Admission {
    const known = this.byIdentity.get(seriesIdentity(environment, metric, agentId, labels));
    if (known !== undefined) return { ok: true, entry: known, created: false };
    const refusal = this.refusal(environment, labels);
    if (refusal !== undefined) return { ok: false, reason: refusal };
    return { ok: true, entry: this.create(environment, metric, agentId, labels), created: true };
  }

  /**
   * The entry of an identity, created if new whatever the bounds: for samples the log already
   * holds (replay), which were admitted before they were logged.
   */
  resolve(environment: string, metric: string, agentId: string, labels: readonly Label[]): SeriesEntry {
    return this.byIdentity.get(seriesIdentity(environment, metric, agentId, labels)) ?? this.create(environment, metric, agentId, labels);
  }

  private refusal(environment: string, labels: readonly Label[]): string | undefined {
    const env = this.environments.get(environment);
    if (env !== undefined) {
      if (env.series >= this.limits.maxSeries) return `environment ${environment} has reached its limit of ${this.limits.maxSeries} series`;
      for (const label of labels) {
        const values = env.values.get(label.name);
        if (values !== undefined && values.size >= this.limits.maxLabelValues && !values.has(label.value)) {
          return `label ${label.name} has reached its limit of ${this.limits.maxLabelValues} values in environment ${environment}`;
        }
      }
    }
    return undefined;
  }

  private create(environment: string, metric: string, agentId: string, labels: readonly Label[]): SeriesEntry {
    const entry: SeriesEntry = { id: this.nextId, environment, metric, agentId, labels };
    this.index(entry);
    this.unsaved.push(entry);
    return entry;
  }

  get(id: number): SeriesEntry | undefined {
    return this.byId.get(id);
  }

  /** The series of one metric in one environment, in admission order. */
  seriesOf(environment: string, metric: string): readonly SeriesEntry[] {
    return this.environments.get(environment)?.byMetric.get(metric) ?? [];
  }

  metrics(environment: string): string[] {
    return [...(this.environments.get(environment)?.byMetric.keys() ?? [])];
  }

  /** Distinct values of a series label name in the environment. */
  labelValues(environment: string, name: string): ReadonlySet<string> {
    return this.environments.get(environment)?.values.get(name) ?? new Set();
  }

  seriesCount(environment: string): number {
    return this.environments.get(environment)?.series ?? 0;
  }

  /** The entries admitted since the last call: the caller persists them. Put back with `unsave` if that fails. */
  takeUnsaved(): SeriesEntry[] {
    const taken = this.unsaved;
    this.unsaved = [];
    return taken;
  }

  unsave(entries: SeriesEntry[]): void {
    this.unsaved = [...entries, ...this.unsaved];
  }

  private index(entry: SeriesEntry): void {
    this.byIdentity.set(seriesIdentity(entry.environment, entry.metric, entry.agentId, entry.labels), entry);
    this.byId.set(entry.id, entry);
    if (entry.id >= this.nextId) this.nextId = entry.id + 1;
    let env = this.environments.get(entry.environment);
    if (env === undefined) this.environments.set(entry.environment, (env = { series: 0, values: new Map(), byMetric: new Map() }));
    env.series++;
    for (const label of entry.labels) {
      let values = env.values.get(label.name);
      if (values === undefined) env.values.set(label.name, (values = new Set()));
      values.add(label.value);
    }
    const list = env.byMetric.get(entry.metric);
    if (list === undefined) env.byMetric.set(entry.metric, [entry]);
    else list.push(entry);
  }
}
