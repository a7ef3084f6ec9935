import { AgentRegistry } from '../src/heartbeat/agent-registry';
import { healthTopic } from '../src/heartbeat/agent-state';
import { FleetHealthLive } from '../src/health/fleet-health-live.service';
import { INGEST, TestApp, waitFor } from './support/test-app';

const FLEET = `subscription($environment: String!) {
  fleetHealth(environment: $environment) { environment at total statusCounts { status count } changed { agentId previousStatus status } }
}`;

type Fleet = {
  fleetHealth: { total: number; statusCounts: { status: string; count: number }[]; changed: { agentId: string; previousStatus: string; status: string }[] };
};

describe('fleetHealth subscription', () => {
  let t: TestApp;
  let agent: string;
  let viewer: string;

  beforeAll(async () => {
    t = await TestApp.start();
    agent = t.token({ roles: ['agent'], environments: ['prod', 'dev'] });
    viewer = t.token({ roles: ['viewer'], environments: ['prod'] });
  });
  afterAll(() => t.stop());

  const heartbeat = (environment: string, ...agentIds: string[]) =>
    t.graphql(INGEST, { batch: { environment, heartbeats: agentIds.map((agentId) => ({ agentId, intervalSeconds: 1 })) } }, agent);

  it('sends the counts now, then coalesced changes with the new counts, one transition per agent', async () => {
    expect((await heartbeat('prod', 'f1', 'f2', 'f3')).errors).toBeUndefined();
    const fleet = t.subscribe<Fleet>(FLEET, { environment: 'prod' }, viewer);
    expect((await fleet.next()).data?.fleetHealth).toMatchObject({ total: 3, statusCounts: [{ status: 'HEALTHY', count: 3 }], changed: [] });
    await t.listening(healthTopic('prod'));

    // f3 keeps beating; f1 and f2 go quiet, through SUSPECT to DOWN, between two flushes; dev changes are not prod's.
    expect((await heartbeat('dev', 'other')).errors).toBeUndefined();
    const registry = t.get(AgentRegistry);
    for (let i = 0; i < 12; i++) {
      t.clock.advance(1_000);
      expect((await heartbeat('prod', 'f3')).errors).toBeUndefined();
      await registry.sweep();
    }
    t.get(FleetHealthLive).flush();
    const update = (await fleet.next()).data?.fleetHealth;
    expect(update?.total).toBe(3);
    expect(update?.statusCounts).toEqual([
      { status: 'HEALTHY', count: 1 },
      { status: 'DOWN', count: 2 },
    ]);
    expect(update?.changed).toEqual([
      { agentId: 'f1', previousStatus: 'HEALTHY', status: 'DOWN' },
      { agentId: 'f2', previousStatus: 'HEALTHY', status: 'DOWN' },
    ]);
    t.get(FleetHealthLive).flush(); // nothing changed since: no message
    expect((await heartbeat('prod', 'f1')).errors).toBeUndefined();
    await registry.sweep();
    t.get(FleetHealthLive).flush();
    expect((await fleet.next()).data?.fleetHealth.changed).toEqual([{ agentId: 'f1', previousStatus: 'DOWN', status: 'HEALTHY' }]);
  });

  it('releases the environment listener when the last subscriber leaves', async () => {
    const live = t.get(FleetHealthLive);
    const before = live.environments;
    const socket = t.socket(t.token({ roles: ['viewer'], environments: ['dev'] }));
    const unsubscribe = socket.subscribe({ query: FLEET, variables: { environment: 'dev' } }, { next: () => {}, error: () => {}, complete: () => {} });
    await waitFor(() => live.environments === before + 1 && t.listeners(healthTopic('dev')) === 1, 'the dev listener');
    unsubscribe();
    await waitFor(() => live.environments === before && t.listeners(healthTopic('dev')) === 0, 'the dev listener to be released');
  });
});
