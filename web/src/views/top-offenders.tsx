import { useEffect, useState } from 'preact/hooks';
import type { Api } from '../api/client';
import { TOP } from '../api/documents';
import { labelText, number } from '../format';

type Ranked = NonNullable<typeof TOP.result>['topSeries'];

/** The five series with the highest maximum of the metric over the range; reloaded as the chart's clock moves. */
export function TopOffenders({ api, environment, metric, seconds, now }: { api: Api; environment: string; metric: string; seconds: number; now: number }) {
  const [top, setTop] = useState<Ranked>([]);
  useEffect(() => {
    const from = new Date(now - seconds * 1000).toISOString();
    const to = new Date(now + 1000 * 60).toISOString(); // the newest live window too
    api.request(TOP, { environment, metric, from, to }).then((r) => setTop(r.topSeries), console.error);
  }, [api, environment, metric, seconds, now]);
  return (
    <div class="top">
      <h3>Top offenders (max {metric})</h3>
      <ol>
        {top.map((s) => (
          <li key={s.agentId + labelText(s.labels)}>
            <a href={`#/agents/${encodeURIComponent(s.agentId)}`}>{s.agentId}</a> <strong>{number(s.value)}</strong>{' '}
            <span class="labels">{labelText(s.labels.filter((l) => l.name !== 'agent'))}</span>
          </li>
        ))}
      </ol>
      {top.length === 0 && <p class="muted">No samples in the range.</p>}
    </div>
  );
}
