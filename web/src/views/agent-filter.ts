import type { AgentRow } from '../api/documents';

/** "name=value" (or just a name, or part of a value) keeps the agents with a matching label. */
export function matches(agent: AgentRow, filter: string): boolean {
  if (filter === '') return true;
  const [name, value] = filter.includes('=') ? filter.split('=', 2) : [undefined, filter];
  return agent.labels.some((l) => (name === undefined ? l.name === value || l.value.includes(value) : l.name === name.trim() && l.value === value.trim()));
}
