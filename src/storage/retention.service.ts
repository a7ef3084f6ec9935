import { Inject, Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { Clock, CLOCK } from '../common/clock/clock';
import { AppConfig } from '../common/config/app-config';
import { AgentEventRepository } from './repositories/agent-event.repository';
import { AlertRepository } from './repositories/alert.repository';
import { AuditRepository } from './repositories/audit.repository';
import { TierMaintenance } from './timeseries/tier-maintenance';
import { TimeSeriesStore } from './timeseries/time-series-store';

const HOUR_MS = 3_600_000;

/** Deletes what has outlived its retention; runs every minute, off the request path. */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger(RetentionService.name);

  constructor(
    private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly tiers: TierMaintenance,
    private readonly series: TimeSeriesStore,
    private readonly events: AgentEventRepository,
    private readonly alerts: AlertRepository,
    private readonly audit: AuditRepository,
  ) {}

  @Interval('retention', 60_000)
  async sweepOnTimer(): Promise<void> {
    try {
      await this.sweep();
    } catch (error) {
      this.logger.warn(`Retention sweep failed, will retry: ${(error as Error).message}`);
    }
  }

  /** Returns how many manifests (series tiers) or documents (the rest) each kind lost. */
  async sweep(): Promise<Record<string, number>> {
    const now = this.clock.now();
    const before = (hours: number) => new Date(now - hours * HOUR_MS);
    const eventsHours = this.config.RETENTION_EVENTS_DAYS * 24;
    const [series, agentEvents, alerts, audit, ledgers] = await Promise.all([
      this.tiers.applyRetention(),
      this.events.deleteOlderThan(before(eventsHours)),
      this.alerts.deleteResolvedBefore(before(eventsHours)),
      this.audit.deleteOlderThan(before(this.config.RETENTION_AUDIT_DAYS * 24)),
      this.series.forgetBatchesBefore(before(this.config.IDEMPOTENCY_WINDOW_HOURS)),
    ]);
    return { ...series, agentEvents, alerts, audit, ledgers };
  }
}
