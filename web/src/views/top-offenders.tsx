import { useEffect, useRef, useState } from 'preact/hooks';
import type { Api } from '../api/client';
import { RangeKey, Ranking, watchTop } from '../api/feeds';
import { labelText, number, time } from '../format';

/** The five series with the highest maximum of the metric over the newest closed window of the chart's live window. */
export function TopOffenders({
  api,
  environment,
  metric,
  range,
  serverNow,
}: {
  api: Api;
  environment: string;
  metric: string;
  range: RangeKey;
  serverNow: number;
}) {
  const [top, setTop] = useState<Ranking>();
  // Restarted when the metric or the range changes, with the server's clock of the moment.
  const now = useRef(serverNow);
  now.current = serverNow;
  useEffect(() => {
    setTop(undefined);
    return watchTop(api, { environment, metric, range }, now.current, setTop, console.error);
  }, [api, environment, metric, range]);
  return (
    <div class="top">
      <h3>
        Top offenders (max {metric}
        {top && `, ${time(top.windowStart)} – ${time(top.windowEnd).slice(11)}`})
      </h3>
      <ol>
        {top?.series.map((s) => (
          <li key={s.agentId + labelText(s.labels)}>
            <a href={`#/agents/${encodeURIComponent(s.agentId)}`}>{s.agentId}</a> <strong>{number(s.value)}</strong>{' '}
            <span class="labels">{labelText(s.labels.filter((l) => l.name !== 'agent'))}</span>
          </li>
        ))}
      </ol>
      {top?.series.length === 0 && <p class="muted">No samples in the window.</p>}
    </div>
  );
}
