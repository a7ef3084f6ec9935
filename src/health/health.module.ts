import { Module } from '@nestjs/common';
import { HeartbeatModule } from '../heartbeat/heartbeat.module';
import { AgentHealthResolver } from './agent-health.resolver';
import { FleetHealthResolver } from './fleet-health.resolver';
import { FleetHealthLive } from './fleet-health-live.service';
import { FleetHealthService } from './fleet-health.service';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';

/** Service liveness/readiness, /metrics, the per-agent health assessment and the fleet view. */
@Module({
  imports: [HeartbeatModule],
  controllers: [HealthController, MetricsController],
  providers: [AgentHealthResolver, FleetHealthService, FleetHealthLive, FleetHealthResolver],
})
export class HealthModule {}
