import type { Api } from '../api/client';
import { STATUSES } from '../api/documents';
import type { Fleet } from '../api/feeds';
import { AgentTable } from './agent-table';
import { ChartPanel } from './chart-panel';

export function Overview({ api, environment, fleet }: { api: Api; environment: string; fleet: Fleet }) {
  return (
    <>
      <section class="counts" aria-label="fleet status">
        <div class="count">
          <span class="n" data-status="TOTAL">
            {fleet.total}
          </span>{' '}
          agents
        </div>
        {STATUSES.map((status) => (
          <div key={status} class={`count status-${status}`}>
            <span class="n" data-status={status}>
              {fleet.counts[status] ?? 0}
            </span>{' '}
            {status.toLowerCase()}
          </div>
        ))}
      </section>
      <ChartPanel api={api} environment={environment} fleet={fleet} />
      <AgentTable agents={fleet.agents} now={fleet.serverNow} />
    </>
  );
}
