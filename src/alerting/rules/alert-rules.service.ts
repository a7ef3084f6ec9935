import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Subject } from 'rxjs';
import { AuditService } from '../../audit/audit.service';
import { Clock, CLOCK } from '../../common/clock/clock';
import { AppConfig } from '../../common/config/app-config';
import { AlertRuleRepository } from '../../storage/repositories/alert-rule.repository';
import { AlertRuleDoc } from '../../storage/schemas/alert-rule.schema';
import { AlertRuleNotFound, BuiltinRuleChange } from '../alerting.errors';
import { AlertRuleInput } from '../dto/alert-rule.input';
import { builtinRules } from '../evaluation/builtin-rules';
import { RuleDefinition } from '../evaluation/rule-definition';
import { normalizeRule, RuleDefaults } from '../evaluation/rule-validation';

/** A rule as stored: its id within the environment and its validated definition. */
export interface StoredRule {
  id: string;
  environment: string;
  builtin: boolean;
  definition: RuleDefinition;
  createdAt: Date;
  updatedAt: Date;
}

/** A rule was created, changed or deleted (`rule` undefined). */
export interface RuleChange {
  environment: string;
  id: string;
  rule?: StoredRule;
}

/** Alert rules per environment: validated, stored, audited; every environment also has the built-in agent-health rules. */
@Injectable()
export class AlertRulesService {
  readonly changes = new Subject<RuleChange>();
  readonly defaults: RuleDefaults;
  /** Environments whose built-in rules are stored (or being stored: concurrent callers wait for the same write). */
  private readonly seeded = new Map<string, Promise<void>>();

  constructor(
    config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly rules: AlertRuleRepository,
    private readonly audit: AuditService,
  ) {
    this.defaults = { evaluateEverySeconds: config.ALERT_EVALUATION_INTERVAL_SECONDS };
  }

  /** Validates a definition without storing it (previews). */
  normalize(input: AlertRuleInput): RuleDefinition {
    return normalizeRule(input, this.defaults);
  }

  async all(): Promise<StoredRule[]> {
    return (await this.rules.all()).map(toStored);
  }

  async list(environment: string): Promise<StoredRule[]> {
    await this.ensureBuiltins(environment);
    return (await this.rules.inEnvironment(environment)).map(toStored);
  }

  async get(environment: string, id: string): Promise<StoredRule> {
    await this.ensureBuiltins(environment);
    const doc = await this.rules.get(environment, id);
    if (doc === undefined) throw new AlertRuleNotFound(id);
    return toStored(doc);
  }

  async create(environment: string, input: AlertRuleInput, actor: string): Promise<StoredRule> {
    const now = new Date(this.clock.now());
    const rule: StoredRule = { id: randomUUID(), environment, builtin: false, definition: this.normalize(input), createdAt: now, updatedAt: now };
    await this.rules.insert(toDoc(rule));
    await this.audit.record({ environment, actor, action: 'alertRule.create', targetId: rule.id, after: rule.definition });
    this.changes.next({ environment, id: rule.id, rule });
    return rule;
  }

  async update(environment: string, id: string, input: AlertRuleInput, actor: string): Promise<StoredRule> {
    const before = await this.get(environment, id);
    const definition = this.normalize(input);
    if (before.builtin && definition.kind !== before.definition.kind) throw new BuiltinRuleChange(`built-in rule ${id} stays ${before.definition.kind}`);
    const rule: StoredRule = { ...before, definition, updatedAt: new Date(this.clock.now()) };
    await this.rules.replace(toDoc(rule));
    await this.audit.record({ environment, actor, action: 'alertRule.update', targetId: id, before: before.definition, after: definition });
    this.changes.next({ environment, id, rule });
    return rule;
  }

  async delete(environment: string, id: string, actor: string): Promise<boolean> {
    const before = await this.get(environment, id);
    if (before.builtin) throw new BuiltinRuleChange(`built-in rule ${id} can be disabled (enabled: false), not deleted`);
    await this.rules.delete(environment, id);
    await this.audit.record({ environment, actor, action: 'alertRule.delete', targetId: id, before: before.definition });
    this.changes.next({ environment, id });
    return true;
  }

  /** Stores the built-in rules of an environment the first time it is seen, and starts their evaluation. */
  ensureBuiltins(environment: string): Promise<void> {
    let seeding = this.seeded.get(environment);
    if (seeding === undefined) {
      seeding = this.seed(environment).catch((error: Error) => {
        this.seeded.delete(environment);
        throw error;
      });
      this.seeded.set(environment, seeding);
    }
    return seeding;
  }

  private async seed(environment: string): Promise<void> {
    const now = new Date(this.clock.now());
    const builtins = Object.entries(builtinRules(this.defaults.evaluateEverySeconds)).map(([id, definition]) =>
      toDoc({ id, environment, builtin: true, definition, createdAt: now, updatedAt: now }),
    );
    try {
      await this.rules.insertMissing(builtins);
    } catch (error) {
      // Another instance stored them at the same moment: what is stored is what counts.
      if ((error as { code?: number }).code !== 11000) throw error;
    }
    for (const doc of await this.rules.inEnvironment(environment)) if (doc.builtin) this.changes.next({ environment, id: doc.ruleId, rule: toStored(doc) });
  }
}

const toDoc = (rule: StoredRule): AlertRuleDoc => ({
  _id: `${rule.environment}/${rule.id}`,
  environment: rule.environment,
  ruleId: rule.id,
  builtin: rule.builtin,
  // JSON drops the undefined fields of the definition (MongoDB would store them as null).
  definition: JSON.parse(JSON.stringify(rule.definition)) as Record<string, unknown>,
  createdAt: rule.createdAt,
  updatedAt: rule.updatedAt,
});

const toStored = (doc: AlertRuleDoc): StoredRule => ({
  id: doc.ruleId,
  environment: doc.environment,
  builtin: doc.builtin,
  definition: doc.definition as unknown as RuleDefinition,
  createdAt: doc.createdAt,
  updatedAt: doc.updatedAt,
});
