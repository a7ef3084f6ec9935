import { Module } from '@nestjs/common';
import { HeartbeatModule } from '../heartbeat/heartbeat.module';
import { AgentHealthResolver } from './agent-health.resolver';
import { HealthController } from './health.controller';

/** Service liveness/readiness and the per-agent health summary. */
@Module({
  imports: [HeartbeatModule],
  controllers: [HealthController],
  providers: [AgentHealthResolver],
})
export class HealthModule {}
