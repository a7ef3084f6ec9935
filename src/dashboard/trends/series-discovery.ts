import { Injectable } from '@nestjs/common';
import { AgentLabelIndex } from '../../storage/timeseries/agent-label-index';
import { SeriesCatalog, SeriesEntry } from '../../storage/timeseries/series-catalog';
import { AGENT_LABEL } from '../query/label-matcher';
import { LabelNamesArgs, LabelValuesArgs, MetricsArgs } from '../dto/dashboard.args';

const DEFAULT_FIRST = 1000;
const MAX_FIRST = 10_000;

/** Metric names, label names and label values of an environment, for pickers and template variables (from the catalog in memory). */
@Injectable()
export class SeriesDiscovery {
  constructor(
    private readonly catalog: SeriesCatalog,
    private readonly agentLabels: AgentLabelIndex,
  ) {}

  metrics(args: MetricsArgs): string[] {
    const prefix = args.prefix ?? '';
    return firstSorted(
      this.catalog.metrics(args.environment).filter((m) => m.startsWith(prefix)),
      args.first,
    );
  }

  /** Series label names, the agents' heartbeat label names, and `agent`. */
  labelNames(args: LabelNamesArgs): string[] {
    const names = new Set<string>();
    for (const entry of this.entries(args.environment, args.metric)) {
      names.add(AGENT_LABEL);
      for (const l of entry.labels) names.add(l.name);
      for (const l of this.agentLabels.labelsOf(args.environment, entry.agentId)) names.add(l.name);
    }
    return [...names].sort();
  }

  /** The values a label takes on the series (the series' own label winning over its agent's, as in matching). */
  labelValues(args: LabelValuesArgs): string[] {
    const prefix = args.prefix ?? '';
    const values = new Set<string>();
    for (const entry of this.entries(args.environment, args.metric)) {
      const value =
        args.name === AGENT_LABEL
          ? entry.agentId
          : (entry.labels.find((l) => l.name === args.name) ?? this.agentLabels.labelsOf(args.environment, entry.agentId).find((l) => l.name === args.name))
              ?.value;
      if (value !== undefined && value.startsWith(prefix)) values.add(value);
    }
    return firstSorted([...values], args.first);
  }

  private entries(environment: string, metric: string | null | undefined): readonly SeriesEntry[] {
    return metric == null
      ? this.catalog.metrics(environment).flatMap((m) => this.catalog.seriesOf(environment, m))
      : this.catalog.seriesOf(environment, metric);
  }
}

function firstSorted(items: string[], first: number | null | undefined): string[] {
  return items.sort().slice(0, Math.min(MAX_FIRST, Math.max(1, first ?? DEFAULT_FIRST)));
}
