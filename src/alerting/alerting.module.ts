import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { DashboardModule } from '../dashboard/dashboard.module';
import { HeartbeatModule } from '../heartbeat/heartbeat.module';
import { AlertPreviewService } from './alert-preview.service';
import { AlertingResolver } from './alerting.resolver';
import { AlertingService } from './alerting.service';
import { ALERT_NOTIFIER } from './notifications/alert-snapshot';
import { RuleEvaluationService } from './rule-evaluation.service';
import { AlertRulesResolver } from './rules/alert-rules.resolver';
import { AlertRulesService } from './rules/alert-rules.service';

/** Rules, their evaluation (live and previews), the alerts with their lifecycle, and notifications. */
@Module({
  imports: [HeartbeatModule, DashboardModule, AuditModule],
  // TEMPORARY until notifications land: a notifier that sends nothing.
  providers: [
    { provide: ALERT_NOTIFIER, useValue: { alertChanged: () => Promise.resolve() } },
    AlertRulesService,
    AlertingService,
    RuleEvaluationService,
    AlertPreviewService,
    AlertRulesResolver,
    AlertingResolver,
  ],
})
export class AlertingModule {}
