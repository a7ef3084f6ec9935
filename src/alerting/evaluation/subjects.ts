/**
 * Naming of alert subjects: one per series, per label group, or the whole selection. A group
 * reads like a partition group ("region=eu-west,zone=a"); a series like Prometheus
 * (`web-1{path="/a"}`), or the bare agent id when it has no labels of its own.
 */
export const WHOLE_SELECTION = '*';

export function seriesSubject(agentId: string, seriesLabels: readonly { name: string; value: string }[]): string {
  if (seriesLabels.length === 0) return agentId;
  return `${agentId}{${seriesLabels.map((l) => `${l.name}=${JSON.stringify(l.value)}`).join(',')}}`;
}

/** The group a label set falls in; missing labels group as "". */
export function groupOf(groupBy: readonly string[], lookup: (name: string) => string | undefined): { subject: string; labels: Record<string, string> } {
  if (groupBy.length === 0) return { subject: WHOLE_SELECTION, labels: {} };
  const labels: Record<string, string> = {};
  for (const name of groupBy) labels[name] = lookup(name) ?? '';
  return { subject: groupBy.map((name) => `${name}=${labels[name]}`).join(','), labels };
}
