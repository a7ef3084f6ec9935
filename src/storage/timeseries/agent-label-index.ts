import type { Label } from '../../common/labels/label';

/**
 * The labels each agent declares on its heartbeats (region, zone, ...), which queries match
 * on every series of the agent (as Prometheus attaches target labels). The heartbeat registry
 * keeps it current; the query engine reads it. Storage holds it so neither depends on the other.
 */
export class AgentLabelIndex {
  private readonly byAgent = new Map<string, readonly Label[]>();

  set(environment: string, agentId: string, labels: readonly Label[]): void {
    this.byAgent.set(`${environment}\u0000${agentId}`, labels);
  }

  labelsOf(environment: string, agentId: string): readonly Label[] {
    return this.byAgent.get(`${environment}\u0000${agentId}`) ?? [];
  }
}
