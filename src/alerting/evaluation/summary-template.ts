/**
 * Renders a rule's summary: `{{name}}` is replaced by the alert's label of that name (`agent`,
 * `alertname`, any group or series label), `{{value}}`, `{{threshold}}` and `{{subject}}` by
 * those; an unknown placeholder is left as written, so a typo shows in the message.
 */
export function renderSummary(
  template: string,
  fields: { labels: Record<string, string>; value: number | undefined; threshold: number | undefined; subject: string },
): string {
  return template.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}/g, (whole, name: string) => {
    if (name === 'value') return formatNumber(fields.value);
    if (name === 'threshold') return formatNumber(fields.threshold);
    if (name === 'subject') return fields.subject;
    const label = name.startsWith('labels.') ? name.slice(7) : name;
    return fields.labels[label] ?? whole;
  });
}

/** Up to 4 significant digits, as people read them in a message. */
export function formatNumber(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return 'n/a';
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}
