import { Args, Query, Resolver } from '@nestjs/graphql';
import { Requires } from '../common/auth/requires.decorator';
import { FleetHealthService } from './fleet-health.service';
import { FleetHealth, FleetHealthArgs } from './models/fleet-health.model';

@Resolver()
export class FleetHealthResolver {
  constructor(private readonly fleetHealth: FleetHealthService) {}

  @Requires('read')
  @Query(() => FleetHealth, { description: 'Status counts per environment and label group, and the least available agents' })
  fleet(@Args() args: FleetHealthArgs): Promise<FleetHealth> {
    return this.fleetHealth.fleet(args);
  }
}
