import { Module } from '@nestjs/common';
import { HeartbeatModule } from '../heartbeat/heartbeat.module';
import { AgentHealthResolver } from './agent-health.resolver';
import { FleetHealthResolver } from './fleet-health.resolver';
import { FleetHealthService } from './fleet-health.service';
import { HealthController } from './health.controller';

/** Service liveness/readiness, the per-agent health assessment and the fleet view. */
@Module({
  imports: [HeartbeatModule],
  controllers: [HealthController],
  providers: [AgentHealthResolver, FleetHealthService, FleetHealthResolver],
})
export class HealthModule {}
