import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { DashboardModule } from '../dashboard/dashboard.module';
import { HeartbeatModule } from '../heartbeat/heartbeat.module';
import { AlertPreviewService } from './alert-preview.service';
import { AlertingResolver } from './alerting.resolver';
import { AlertingService } from './alerting.service';
import { NOTIFICATION_PROVIDERS } from './notifications/notification-providers';
import { RuleEvaluationService } from './rule-evaluation.service';
import { AlertRulesResolver } from './rules/alert-rules.resolver';
import { AlertRulesService } from './rules/alert-rules.service';

/** Rules, their evaluation (live and previews), the alerts with their lifecycle, and notifications. */
@Module({
  imports: [HeartbeatModule, DashboardModule, AuditModule],
  providers: [AlertRulesService, AlertingService, RuleEvaluationService, AlertPreviewService, AlertRulesResolver, AlertingResolver, ...NOTIFICATION_PROVIDERS],
})
export class AlertingModule {}
