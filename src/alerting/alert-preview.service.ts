import { Inject, Injectable } from '@nestjs/common';
import { Clock, CLOCK } from '../common/clock/clock';
import { AppConfig } from '../common/config/app-config';
import { QueryDeadline } from '../dashboard/trends/query-deadline';
import { TrendsService } from '../dashboard/trends/trends.service';
import { AgentRegistry } from '../heartbeat/agent-registry';
import { AgentEventRepository } from '../storage/repositories/agent-event.repository';
import { TierMaintenance } from '../storage/timeseries/tier-maintenance';
import { TierName, TIERS } from '../storage/timeseries/tiers';
import { InvalidPreview } from './alerting.errors';
import { createDetector } from './detectors/detector-factory';
import { AlertRuleInput } from './dto/alert-rule.input';
import { agentValues, AgentView } from './evaluation/agent-values';
import { IntervalRecorder } from './evaluation/interval-recorder';
import { RuleDefinition } from './evaluation/rule-definition';
import { RuleEvaluator } from './evaluation/rule-evaluator';
import { EvaluatedSeries, SubjectValue, windowValues } from './evaluation/window-values';
import { AlertPreview } from './models/alert-preview.model';
import { AlertState } from './models/alert.model';
import { AlertRulesService } from './rules/alert-rules.service';

const TIER_ORDER: TierName[] = ['raw', '1m', '1h', '1d'];
/** Series x evaluations x window steps a preview may compute. */
const MAX_WORK = 200_000_000;

/**
 * `previewAlertRule`: the live evaluator (same RuleEvaluator, detectors and window values) fed
 * stored history, at the rule's interval or the coarser one of the finest tier that still holds
 * the range. Detectors first learn from the training period before `from`, where retention has it.
 */
@Injectable()
export class AlertPreviewService {
  constructor(
    private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly rules: AlertRulesService,
    private readonly trends: TrendsService,
    private readonly maintenance: TierMaintenance,
    private readonly events: AgentEventRepository,
    private readonly registry: AgentRegistry,
  ) {}

  async preview(environment: string, input: AlertRuleInput, fromDate: Date, toDate: Date): Promise<AlertPreview> {
    const def = this.rules.normalize(input);
    const from = fromDate.getTime();
    const to = Math.min(toDate.getTime(), this.clock.now());
    if (!(from < to)) throw new InvalidPreview('from must be before to (and before now)', 'from');
    if (def.kind === 'ABSENCE' && def.metric === undefined) {
      throw new InvalidPreview('heartbeat ABSENCE rules cannot be previewed: heartbeats are not stored one by one (give the rule a metric)', 'rule.metric');
    }
    const warnings: string[] = [];
    const now = this.clock.now();
    const tier = TIER_ORDER.find((name) => now - this.maintenance.retention[name] <= from) ?? '1d';
    if (def.function !== undefined && tier !== 'raw')
      throw new InvalidPreview(`functions read raw samples, kept ${this.hoursOf('raw')} h: move from later`, 'from');
    const bucketMs = def.kind === 'AGENT_STATUS' ? 0 : TIERS[tier].bucketMs;
    const everyMs = def.evaluateEverySeconds * 1000;
    const stepMs = bucketMs === 0 ? everyMs : Math.ceil(everyMs / bucketMs) * bucketMs;
    if (stepMs !== everyMs) warnings.push(`evaluated every ${stepMs / 1000} s: the ${tier} tier holds this range`);
    const windowSteps = Math.max(1, Math.ceil((def.windowSeconds * 1000) / stepMs));
    const rule: RuleDefinition = {
      ...def,
      evaluateEverySeconds: stepMs / 1000,
      windowSeconds: (windowSteps * stepMs) / 1000,
      anomaly: def.anomaly === undefined ? undefined : { ...def.anomaly, stepSeconds: stepMs / 1000 },
    };
    const first = Math.ceil(from / stepMs) * stepMs;
    const evaluations = Math.floor((to - first) / stepMs) + 1;
    if (evaluations > this.config.ALERT_PREVIEW_MAX_EVALUATIONS) {
      throw new InvalidPreview(
        `${evaluations} evaluations at ${stepMs / 1000} s; at most ${this.config.ALERT_PREVIEW_MAX_EVALUATIONS}: shorten the range`,
        'to',
      );
    }
    const oldest = now - this.maintenance.retention[tier];
    const trainingMs = rule.anomaly === undefined ? 0 : rule.anomaly.trainingSeconds * 1000;
    const start = Math.max(Math.ceil(oldest / stepMs) * stepMs, first - trainingMs - windowSteps * stepMs);
    if (start > first - windowSteps * stepMs)
      warnings.push(`retention of the ${tier} tier starts at ${new Date(oldest).toISOString()}: the first windows are partial`);
    if (trainingMs > 0 && start > first - trainingMs) warnings.push('the detector trained on less history than trainingSeconds: retention does not hold more');

    const evaluator = new RuleEvaluator(rule, createDetector);
    const recorder = new IntervalRecorder();
    const deadline = new QueryDeadline(() => performance.now(), this.config.QUERY_TIMEOUT_SECONDS * 1000);
    const valuesAt = await this.source(environment, rule, start, to, stepMs, windowSteps, evaluations);
    for (let t = start + windowSteps * stepMs; t <= to; t += stepMs) {
      recorder.record(evaluator.evaluate(t, valuesAt(t)));
      await deadline.yield();
    }
    return {
      resolution: def.kind === 'AGENT_STATUS' ? 'events' : tier,
      evaluations,
      stepSeconds: stepMs / 1000,
      warnings,
      intervals: recorder.intervals(from).map((i) => ({
        subject: i.subject,
        state: i.state as AlertState,
        start: new Date(i.start),
        end: i.end === undefined ? undefined : new Date(i.end),
        value: Number.isFinite(i.value) ? i.value : undefined,
      })),
    };
  }

  /** The subjects' values at each evaluation time, from stored series (or agent status events). */
  private async source(environment: string, rule: RuleDefinition, start: number, to: number, stepMs: number, windowSteps: number, evaluations: number) {
    if (rule.kind === 'AGENT_STATUS') return this.statusSource(environment, rule, start, to);
    const { series } = await this.trends.seriesColumns(
      { environment, metric: rule.metric!, agentIds: rule.agentIds, matchers: rule.matchers },
      start,
      to + 1,
      stepMs,
      rule.function !== undefined,
    );
    if (series.length * evaluations * windowSteps > MAX_WORK) {
      throw new InvalidPreview(
        `${series.length} series x ${evaluations} evaluations x ${windowSteps} window steps is too much work: shorten the range or the window`,
        'to',
      );
    }
    const evaluated: EvaluatedSeries[] = series.map((s) => ({ agentId: s.entry.agentId, seriesLabels: s.entry.labels, labels: s.labels, columns: s.columns }));
    return (t: number): SubjectValue[] => {
      const end = (t - start) / stepMs;
      return windowValues(rule, evaluated, end - windowSteps, end, stepMs);
    };
  }

  /** Agent statuses replayed from the stored status changes; labels are the agents' current ones. */
  private async statusSource(environment: string, rule: RuleDefinition, start: number, to: number) {
    const events = await this.events.findInWindow(environment, new Date(start - this.maintenance.retention.raw), new Date(to));
    const agents = new Map<string, AgentView>();
    for (const state of this.registry.inEnvironment(environment)) {
      agents.set(state.agentId, { agentId: state.agentId, status: 'HEALTHY', statusReason: '', labels: state.labels, lastHeartbeatAt: 0 });
    }
    events.sort((a, b) => a.at.getTime() - b.at.getTime());
    let next = 0;
    return (t: number): SubjectValue[] => {
      for (; next < events.length && events[next].at.getTime() <= t; next++) {
        const e = events[next];
        const agent = agents.get(e.agentId) ?? { agentId: e.agentId, status: 'HEALTHY', statusReason: '', labels: [], lastHeartbeatAt: 0 };
        agents.set(e.agentId, { ...agent, status: e.status, statusReason: e.reason, partitionGroup: e.status === 'PARTITIONED' ? e.group : undefined });
      }
      return agentValues(rule, agents.values(), t);
    };
  }

  private hoursOf(tier: TierName): number {
    return this.maintenance.retention[tier] / 3_600_000;
  }
}
