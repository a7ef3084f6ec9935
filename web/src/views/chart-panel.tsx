import { useEffect, useRef, useState } from 'preact/hooks';
import type { Api } from '../api/client';
import { CHART_OPTIONS } from '../api/documents';
import { ChartMode, Fleet, RangeKey, RANGES, watchChart } from '../api/feeds';
import type { Line } from '../api/live-state';
import { LineChart } from './line-chart';
import { TopOffenders } from './top-offenders';

/** Picks the metric, the range and what the lines are (the fleet, one per label value, chosen agents). */
export function ChartPanel({ api, environment, fleet }: { api: Api; environment: string; fleet: Fleet }) {
  const [options, setOptions] = useState<{ metrics: string[]; labelNames: string[] }>({ metrics: [], labelNames: [] });
  const [metric, setMetric] = useState('');
  const [range, setRange] = useState<RangeKey>('5m');
  const [groupBy, setGroupBy] = useState('');
  const [agents, setAgents] = useState('');
  const [lines, setLines] = useState<Line[]>([]);
  const [error, setError] = useState<string>();
  // The chart restarts when what it shows changes, not on every fleet update; it takes the server's clock of the moment.
  const serverNow = useRef(fleet.serverNow);
  serverNow.current = fleet.serverNow;

  useEffect(() => {
    api.request(CHART_OPTIONS, { environment }).then(
      (o) => {
        setOptions({ metrics: o.metrics, labelNames: o.labelNames.filter((n) => n !== 'agent') });
        setMetric((current) => (o.metrics.includes(current) ? current : (o.metrics[0] ?? '')));
      },
      (e: Error) => setError(e.message),
    );
  }, [api, environment]);

  const agentIds = agents.split(/[\s,]+/).filter(Boolean);
  const mode: ChartMode = agentIds.length > 0 ? { kind: 'agents', agentIds } : groupBy ? { kind: 'group', label: groupBy } : { kind: 'fleet' };
  const modeKey = JSON.stringify(mode);
  useEffect(() => {
    setLines([]);
    setError(undefined);
    if (metric === '') return;
    return watchChart(api, { environment, metric, range, mode }, serverNow.current, setLines, (e) => setError(e.message));
  }, [api, environment, metric, range, modeKey]);

  return (
    <section class="panel chart-panel">
      <h2>Metrics</h2>
      <div class="controls">
        <select aria-label="metric" value={metric} onChange={(e) => setMetric(e.currentTarget.value)}>
          {options.metrics.map((m) => (
            <option key={m}>{m}</option>
          ))}
        </select>
        <select aria-label="range" value={range} onChange={(e) => setRange(e.currentTarget.value as RangeKey)}>
          {Object.keys(RANGES).map((r) => (
            <option key={r} value={r}>
              last {r}
            </option>
          ))}
        </select>
        <select aria-label="group by" value={groupBy} onChange={(e) => setGroupBy(e.currentTarget.value)}>
          <option value="">fleet (avg, p95)</option>
          {options.labelNames.map((n) => (
            <option key={n} value={n}>
              by {n}
            </option>
          ))}
        </select>
        <input aria-label="agents" placeholder="or agent ids, comma-separated" value={agents} onChange={(e) => setAgents(e.currentTarget.value)} />
      </div>
      {error && <p class="error">{error}</p>}
      {metric === '' ? <p class="muted">No metrics in this environment yet.</p> : <LineChart lines={lines} />}
      {metric !== '' && <TopOffenders api={api} environment={environment} metric={metric} range={range} serverNow={fleet.serverNow} />}
    </section>
  );
}
