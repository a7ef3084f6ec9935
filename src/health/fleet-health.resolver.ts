import { Args, Context, Query, Resolver, Subscription } from '@nestjs/graphql';
import type { WebSocket } from 'ws';
import { Requires } from '../common/auth/requires.decorator';
import { FleetHealthLive } from './fleet-health-live.service';
import { FleetHealthService } from './fleet-health.service';
import { FleetHealth, FleetHealthArgs, FleetHealthSubscriptionArgs, FleetHealthUpdate } from './models/fleet-health.model';

@Resolver()
export class FleetHealthResolver {
  constructor(
    private readonly fleetHealth: FleetHealthService,
    private readonly live: FleetHealthLive,
  ) {}

  @Requires('read')
  @Query(() => FleetHealth, { description: 'Status counts per environment and label group, and the least available agents' })
  fleet(@Args() args: FleetHealthArgs): Promise<FleetHealth> {
    return this.fleetHealth.fleet(args);
  }

  @Requires('read')
  @Subscription(() => FleetHealthUpdate, {
    description: 'status counts now, then at most once a second when agents changed status: the new counts and the agents that changed',
    name: 'fleetHealth',
    resolve: (update: FleetHealthUpdate) => update,
  })
  fleetHealthUpdates(@Args() args: FleetHealthSubscriptionArgs, @Context('socket') socket: WebSocket | undefined) {
    return this.live.subscribe(args.environment, socket);
  }
}
