import type { AgentRow } from '../api/documents';
import { matches } from './agent-filter';

const agent = (labels: Record<string, string>): AgentRow => ({
  id: 'a',
  status: 'HEALTHY',
  statusReason: '',
  lastHeartbeatAt: null,
  health: null,
  labels: Object.entries(labels).map(([name, value]) => ({ name, value })),
});

describe('agent label filter', () => {
  const eu = agent({ region: 'eu-west', zone: 'b' });

  it('matches name=value exactly (spaces around either ignored)', () => {
    expect([matches(eu, 'region=eu-west'), matches(eu, ' region = eu-west'), matches(eu, 'region=eu'), matches(eu, 'zone=eu-west')]).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  it('matches a bare word as a label name or part of a value; an empty filter keeps everything', () => {
    expect([matches(eu, 'zone'), matches(eu, 'west'), matches(eu, 'us'), matches(eu, ''), matches(agent({}), 'zone')]).toEqual([
      true,
      true,
      false,
      true,
      false,
    ]);
  });
});
