import { Module } from '@nestjs/common';
import { HeartbeatModule } from '../heartbeat/heartbeat.module';
import { AlertingResolver } from './alerting.resolver';
import { AlertingService } from './alerting.service';

/** Alerts and their lifecycle; first rule: agent DOWN. */
@Module({
  imports: [HeartbeatModule],
  providers: [AlertingService, AlertingResolver],
})
export class AlertingModule {}
