import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Subscription } from 'rxjs';
import { Clock, CLOCK } from '../common/clock/clock';
import { AppConfig } from '../common/config/app-config';
import { TrendsService } from '../dashboard/trends/trends.service';
import { AgentRegistry } from '../heartbeat/agent-registry';
import { AgentHealthChange } from '../heartbeat/agent-state';
import { AlertingService } from './alerting.service';
import { createDetector } from './detectors/detector-factory';
import { agentValues } from './evaluation/agent-values';
import { PARTITION_GROUP } from './evaluation/builtin-rules';
import { RuleEvaluator } from './evaluation/rule-evaluator';
import { groupOf } from './evaluation/subjects';
import { EvaluatedSeries, SubjectValue, windowValues } from './evaluation/window-values';
import { AlertRulesService, RuleChange, StoredRule } from './rules/alert-rules.service';

interface LiveRule {
  rule: StoredRule;
  evaluator: RuleEvaluator;
  /** The evaluation time (aligned to its interval) last evaluated. */
  lastAt: number;
}

/**
 * Live evaluation, off the request path: every enabled rule at its interval (aligned to
 * multiples of it, over whole steps, as previews evaluate), and agent rules also at once on each
 * health change. One evaluation at a time, so transitions of a subject never race.
 */
@Injectable()
export class RuleEvaluationService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RuleEvaluationService.name);
  private readonly live = new Map<string, LiveRule>();
  private readonly subscriptions: Subscription[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private readonly intervalMs: number;

  constructor(
    config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly rules: AlertRulesService,
    private readonly alerting: AlertingService,
    private readonly trends: TrendsService,
    private readonly registry: AgentRegistry,
    private readonly scheduler: SchedulerRegistry,
  ) {
    this.intervalMs = config.ALERT_EVALUATION_INTERVAL_SECONDS * 1000;
  }

  async onModuleInit(): Promise<void> {
    for (const rule of await this.rules.all()) this.upsert(rule);
    for (const open of await this.alerting.loadOpen()) this.live.get(liveKey(open.environment, open.ruleId))?.evaluator.restore(open.subject, open.state);
    this.subscriptions.push(
      this.rules.changes.subscribe((change) => void this.serially(() => this.onRuleChange(change))),
      this.registry.changes.subscribe((change) => void this.serially(() => this.onHealthChange(change))),
    );
    this.scheduler.addInterval(
      'alert-evaluation',
      setInterval(() => void this.evaluateDue(), this.intervalMs),
    );
  }

  onModuleDestroy(): void {
    for (const s of this.subscriptions) s.unsubscribe();
  }

  /** Evaluates every rule whose next evaluation time has come; resolves when done (tests call it after moving the clock). */
  evaluateDue(): Promise<void> {
    return this.serially(async () => {
      const now = this.clock.now();
      for (const live of this.live.values()) {
        const everyMs = live.rule.definition.evaluateEverySeconds * 1000;
        const at = Math.floor(now / everyMs) * everyMs;
        if (at <= live.lastAt) continue;
        live.lastAt = at;
        try {
          await this.evaluate(live, at);
        } catch (error) {
          // One rule that cannot be evaluated (its selection over the point limit, a read failing) skips this cycle alone.
          this.logger.warn(`Alert rule ${live.rule.environment}/${live.rule.id} not evaluated at ${new Date(at).toISOString()}: ${(error as Error).message}`);
        }
      }
    });
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.catch((error: Error) => this.logger.error(`Alert evaluation failed: ${error.message}`));
    return run;
  }

  private async evaluate(live: LiveRule, at: number): Promise<void> {
    const def = live.rule.definition;
    const values =
      def.metric === undefined
        ? agentValues(def, this.registry.inEnvironment(live.rule.environment), at)
        : (await this.windows(live.rule, at - def.evaluateEverySeconds * 1000, at))[0];
    const transitions = live.evaluator.evaluate(at, values);
    await this.alerting.apply(live.rule, transitions, live.evaluator.open);
  }

  /**
   * A metric rule's subject values at every evaluation time in (from, to], from one read of the
   * query engine over [from - window, to) in steps of the rule's interval.
   */
  private async windows(rule: StoredRule, from: number, to: number): Promise<SubjectValue[][]> {
    const def = rule.definition;
    const stepMs = def.evaluateEverySeconds * 1000;
    const windowSteps = def.windowSeconds / def.evaluateEverySeconds;
    const start = from - def.windowSeconds * 1000 + stepMs;
    const { series } = await this.trends.seriesColumns(
      { environment: rule.environment, metric: def.metric!, agentIds: def.agentIds, matchers: def.matchers },
      start,
      to,
      stepMs,
      def.function !== undefined,
    );
    const evaluated: EvaluatedSeries[] = series.map((s) => ({ agentId: s.entry.agentId, seriesLabels: s.entry.labels, labels: s.labels, columns: s.columns }));
    const out: SubjectValue[][] = [];
    for (let end = windowSteps; end <= (to - start) / stepMs; end++) out.push(windowValues(def, evaluated, end - windowSteps, end, stepMs));
    return out;
  }

  /**
   * Detectors keep their state in memory: a (re)started anomaly rule first learns from the
   * history raw retention still holds, up to its training period, instead of warming up anew.
   */
  private async prime(live: LiveRule): Promise<void> {
    const def = live.rule.definition;
    const everyMs = def.evaluateEverySeconds * 1000;
    const to = Math.floor(this.clock.now() / everyMs) * everyMs - everyMs;
    const from = to - def.anomaly!.trainingSeconds * 1000;
    try {
      const windows = await this.windows(live.rule, from, to);
      windows.forEach((values, i) => live.evaluator.learn(from + (i + 1) * everyMs, values));
    } catch (error) {
      this.logger.warn(`Anomaly rule ${live.rule.environment}/${live.rule.id} not primed from history: ${(error as Error).message}`);
    }
  }

  /** Agent status rules react at once: the changed agent's subject (or its group's) is evaluated now. */
  private async onHealthChange(change: AgentHealthChange): Promise<void> {
    await this.rules.ensureBuiltins(change.environment);
    const now = change.at.getTime();
    for (const live of this.live.values()) {
      const def = live.rule.definition;
      if (live.rule.environment !== change.environment || def.kind !== 'AGENT_STATUS') continue;
      const touched = subjectsOf(def.groupBy, change, this.registry.get(change.environment, change.agentId)?.labels ?? []);
      const values = agentValues(def, this.registry.inEnvironment(change.environment), now).filter((v) => touched.has(v.subject));
      // A partition group that has no partitioned member any more has no value: it clears.
      for (const subject of touched)
        if (!values.some((v) => v.subject === subject) && live.evaluator.open.has(subject))
          values.push({ subject, labels: {}, value: 0, detail: change.reason });
      const transitions = live.evaluator.evaluate(
        now,
        values.map((v) => ({ ...v, detail: change.reason })),
        false,
      );
      await this.alerting.apply(live.rule, transitions, live.evaluator.open);
    }
  }

  private async onRuleChange({ environment, id, rule }: RuleChange): Promise<void> {
    const key = liveKey(environment, id);
    const before = this.live.get(key);
    if (rule === undefined || !rule.definition.enabled) {
      this.live.delete(key);
      if (before !== undefined) await this.alerting.resolveRule(before.rule, rule === undefined ? 'rule deleted' : 'rule disabled');
      return;
    }
    this.upsert(rule, before);
  }

  /** Starts evaluating a rule; a changed rule keeps its open alerts (its next evaluation decides on them under the new definition). */
  private upsert(rule: StoredRule, before?: LiveRule): void {
    if (!rule.definition.enabled) return;
    const evaluator = new RuleEvaluator(rule.definition, createDetector);
    for (const [subject, state] of before?.evaluator.open ?? []) evaluator.restore(subject, state);
    const live: LiveRule = { rule, evaluator, lastAt: before?.lastAt ?? 0 };
    this.live.set(liveKey(rule.environment, rule.id), live);
    if (rule.definition.kind === 'ANOMALY') void this.serially(() => this.prime(live));
  }
}

const liveKey = (environment: string, ruleId: string) => `${environment}\u0000${ruleId}`;

/** The subjects of an agent rule that one health change can move. */
function subjectsOf(groupBy: string[] | undefined, change: AgentHealthChange, labels: readonly { name: string; value: string }[]): Set<string> {
  if (groupBy === undefined) return new Set([change.agentId]);
  if (groupBy.length === 1 && groupBy[0] === PARTITION_GROUP) return new Set(change.group === undefined ? [] : [change.group]);
  return new Set([groupOf(groupBy, (name) => (name === 'agent' ? change.agentId : labels.find((l) => l.name === name)?.value)).subject]);
}
