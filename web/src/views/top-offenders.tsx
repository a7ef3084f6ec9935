import { useEffect, useState } from 'preact/hooks';
import type { Api } from '../api/client';
import { ResultOf, TOP } from '../api/documents';
import { RangeKey, RANGES } from '../api/feeds';
import { labelText, number } from '../format';

type Ranked = ResultOf<typeof TOP>['topSeries'];

/** The five series with the highest maximum of the metric over the chart's range; reloaded with each new step of the chart. */
export function TopOffenders({ api, environment, metric, range, now }: { api: Api; environment: string; metric: string; range: RangeKey; now: number }) {
  const [top, setTop] = useState<Ranked>([]);
  useEffect(() => {
    const { seconds, stepSeconds } = RANGES[range];
    // `now` is the start of the chart's newest step: the range ends with that step.
    const [from, to] = [now - seconds * 1000, now + stepSeconds * 1000].map((t) => new Date(t).toISOString());
    api.request(TOP, { environment, metric, from, to }).then((r) => setTop(r.topSeries), console.error);
  }, [api, environment, metric, range, now]);
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
