import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { HeartbeatModule } from '../heartbeat/heartbeat.module';
import { AlertingResolver } from './alerting.resolver';
import { AlertingService } from './alerting.service';
import { NOTIFICATION_PROVIDERS } from './notifications/notification-providers';

/** Alerts and their lifecycle; first rule: agent DOWN. */
@Module({
  imports: [HeartbeatModule, AuditModule],
  providers: [AlertingService, AlertingResolver, ...NOTIFICATION_PROVIDERS],
})
export class AlertingModule {}
