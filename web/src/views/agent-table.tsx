import { useState } from 'preact/hooks';
import type { AgentRow } from '../api/documents';
import { ago, labelText } from '../format';
import { matches } from './agent-filter';

type Column = 'id' | 'status' | 'lastHeartbeatAt' | 'score';
const COLUMNS: [Column, string][] = [
  ['id', 'Agent'],
  ['status', 'Status'],
  ['lastHeartbeatAt', 'Last heartbeat'],
  ['score', 'Health'],
];
const keyOf = (agent: AgentRow, column: Column): string | number =>
  column === 'score' ? (agent.health?.score ?? -1) : column === 'lastHeartbeatAt' ? (agent.lastHeartbeatAt ?? '') : agent[column];

export function AgentTable({ agents, now }: { agents: AgentRow[]; now: number }) {
  const [sort, setSort] = useState<{ column: Column; descending: boolean }>({ column: 'status', descending: false });
  const [filter, setFilter] = useState('');
  const rows = agents
    .filter((a) => matches(a, filter.trim()))
    .sort((a, b) => {
      const [x, y] = [keyOf(a, sort.column), keyOf(b, sort.column)];
      return (x < y ? -1 : x > y ? 1 : a.id.localeCompare(b.id)) * (sort.descending ? -1 : 1);
    });
  return (
    <section class="panel">
      <h2>
        Agents{' '}
        <input
          type="search"
          aria-label="label filter"
          placeholder="filter by label, e.g. region=eu-west"
          value={filter}
          onInput={(e) => setFilter(e.currentTarget.value)}
        />
      </h2>
      <table class="agents">
        <thead>
          <tr>
            {COLUMNS.map(([column, title]) => (
              <th key={column} aria-sort={sort.column === column ? (sort.descending ? 'descending' : 'ascending') : undefined}>
                <button onClick={() => setSort({ column, descending: sort.column === column && !sort.descending })}>{title}</button>
              </th>
            ))}
            <th>Labels</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((agent) => (
            <tr key={agent.id} data-agent={agent.id}>
              <td>
                <a href={`#/agents/${encodeURIComponent(agent.id)}`}>{agent.id}</a>
              </td>
              <td>
                <span class={`badge status-${agent.status}`} title={agent.statusReason}>
                  {agent.status}
                </span>
              </td>
              <td title={agent.lastHeartbeatAt ?? ''}>{ago(agent.lastHeartbeatAt, now)}</td>
              <td>{agent.health?.score ?? '–'}</td>
              <td class="labels">{labelText(agent.labels)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && <p class="muted">No agents{filter && ' match the filter'}.</p>}
    </section>
  );
}
