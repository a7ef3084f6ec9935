import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditService } from '../../audit/audit.service';
import { Clock, CLOCK } from '../../common/clock/clock';
import { MatchOp } from '../../dashboard/models/series-query.enums';
import { SilenceRepository } from '../../storage/repositories/silence.repository';
import { InhibitionRuleDoc, SilenceDoc } from '../../storage/schemas/silence.schema';
import type { AlertSnapshot } from '../notifications/alert-snapshot';
import { InvalidNotificationInput, NotificationObjectNotFound } from '../notifications/notifications.errors';
import { InhibitionRuleInput, SilenceInput, SilencesArgs } from './dto/silence.input';
import { AlertMatcher, InhibitionRule, Silence, SilenceState } from './models/silence.model';
import { alertSelector, Inhibitor, MatchableAlert, silenceState, validateInhibition, validateSilence } from './silence-rules';

/** Inhibition rules per environment. */
const MAX_INHIBITION_RULES = 100;

/** Silences and inhibition rules: their API, and the predicates notification routing (and the lifecycle) ask. */
@Injectable()
export class SilencesService {
  constructor(
    private readonly store: SilenceRepository,
    private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async create(environment: string, input: SilenceInput, actor: string): Promise<Silence> {
    const now = this.clock.now();
    const valid = validateSilence(input, now);
    const doc: SilenceDoc = { _id: randomUUID(), environment, ...valid, createdBy: actor, createdAt: new Date(now), updatedAt: new Date(now) };
    await this.store.insert(doc);
    const silence = this.toSilence(doc, now);
    await this.audit.record({ environment, actor, action: 'silence.create', targetId: doc._id, after: silence });
    return silence;
  }

  /** Ends a silence now (a pending one never starts); expiring an expired silence changes nothing. */
  async expire(environment: string, id: string, actor: string): Promise<Silence> {
    const now = this.clock.now();
    const doc = await this.store.find(environment, id);
    if (doc === null) throw new NotificationObjectNotFound('silence', id);
    const before = this.toSilence(doc, now);
    if (before.state === SilenceState.EXPIRED) return before;
    const set = { endsAt: new Date(now), startsAt: doc.startsAt.getTime() > now ? new Date(now) : doc.startsAt, updatedAt: new Date(now) };
    await this.store.update(environment, id, set);
    const after = this.toSilence({ ...doc, ...set }, now);
    await this.audit.record({ environment, actor, action: 'silence.expire', targetId: id, before, after });
    return after;
  }

  async list(args: SilencesArgs): Promise<Silence[]> {
    const now = this.clock.now();
    const wanted = args.state === undefined || args.state === null ? undefined : new Set(args.state);
    const onlyLive = wanted !== undefined && !wanted.has(SilenceState.EXPIRED);
    const docs = await this.store.list(args.environment, onlyLive ? new Date(now) : undefined);
    return docs.map((d) => this.toSilence(d, now)).filter((s) => wanted === undefined || wanted.has(s.state));
  }

  /** The ACTIVE silences that match an alert now (for the lifecycle, e.g. to show why an alert is quiet). */
  async silencesMatching(snapshot: Pick<AlertSnapshot, 'environment' | 'ruleId' | 'labels'>): Promise<Silence[]> {
    const now = this.clock.now();
    const active = await this.active(snapshot.environment, now);
    return active.filter((s) => alertSelector(s)(snapshot)).map((s) => this.toSilence(s, now));
  }

  async isSilenced(snapshot: Pick<AlertSnapshot, 'environment' | 'ruleId' | 'labels'>): Promise<boolean> {
    return (await this.silencedAt(snapshot.environment, this.clock.now()))(snapshot);
  }

  /** Whether an alert of `environment` is silenced at `now`: one read, then a predicate. */
  async silencedAt(environment: string, now: number): Promise<(alert: MatchableAlert) => boolean> {
    const selectors = (await this.active(environment, now)).map(alertSelector);
    return (alert) => selectors.some((matches) => matches(alert));
  }

  async createInhibition(environment: string, input: InhibitionRuleInput, actor: string): Promise<InhibitionRule> {
    const valid = validateInhibition(input);
    const comment = input.comment?.trim();
    if (comment !== undefined && comment.length > 1000) throw new InvalidNotificationInput('rule.comment: at most 1000 characters', 'rule.comment');
    if ((await this.store.countInhibitions(environment)) >= MAX_INHIBITION_RULES) {
      throw new InvalidNotificationInput(`an environment has at most ${MAX_INHIBITION_RULES} inhibition rules`, 'rule');
    }
    const doc: InhibitionRuleDoc = {
      _id: randomUUID(),
      environment,
      ...valid,
      ...(comment ? { comment } : {}),
      createdBy: actor,
      createdAt: new Date(this.clock.now()),
    };
    await this.store.insertInhibition(doc);
    const rule = toInhibition(doc);
    await this.audit.record({ environment, actor, action: 'inhibitionRule.create', targetId: doc._id, after: rule });
    return rule;
  }

  async deleteInhibition(environment: string, id: string, actor: string): Promise<boolean> {
    const doc = await this.store.findInhibition(environment, id);
    if (doc === null) throw new NotificationObjectNotFound('inhibition rule', id);
    await this.store.deleteInhibition(environment, id);
    await this.audit.record({ environment, actor, action: 'inhibitionRule.delete', targetId: id, before: toInhibition(doc) });
    return true;
  }

  async inhibitions(environment: string): Promise<InhibitionRule[]> {
    return (await this.store.listInhibitions(environment)).map(toInhibition);
  }

  /** An inhibitor over the environment's rules and its firing alerts. */
  async inhibitor(environment: string, firing: (MatchableAlert & { id: string })[]): Promise<Inhibitor> {
    return new Inhibitor(await this.store.listInhibitions(environment), firing);
  }

  deleteExpiredBefore(cutoff: Date): Promise<number> {
    return this.store.deleteExpiredBefore(cutoff);
  }

  private async active(environment: string, now: number): Promise<SilenceDoc[]> {
    return (await this.store.list(environment, new Date(now))).filter((s) => s.startsAt.getTime() <= now);
  }

  private toSilence(doc: SilenceDoc, now: number): Silence {
    const { _id, matchers, ...rest } = doc;
    return { id: _id, ...rest, matchers: matchers.map(copyMatcher), state: silenceState(doc, now) as SilenceState };
  }
}

const copyMatcher = (m: { name: string; op: string; value: string }): AlertMatcher => ({ name: m.name, op: m.op as MatchOp, value: m.value });

function toInhibition(doc: InhibitionRuleDoc): InhibitionRule {
  const { _id, sourceMatchers, targetMatchers, ...rest } = doc;
  return { id: _id, ...rest, sourceMatchers: sourceMatchers.map(copyMatcher), targetMatchers: targetMatchers.map(copyMatcher) };
}
