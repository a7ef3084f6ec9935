import { compileMatchers, InvalidMatcher, LabelMatcher, LABEL_NAME_PATTERN } from '../../dashboard/query/label-matcher';
import { InvalidNotificationInput } from '../notifications/notifications.errors';

export type SilenceStateName = 'ACTIVE' | 'PENDING' | 'EXPIRED';

/** A checked matcher as stored: `op` is one of MatchOp. */
export interface StoredMatcher {
  name: string;
  op: string;
  value: string;
}

export interface SilenceLike {
  matchers: StoredMatcher[];
  ruleId?: string;
  startsAt: Date;
  endsAt: Date;
}

/** What silences and inhibition match on: an alert's rule and labels. */
export interface MatchableAlert {
  ruleId: string;
  labels: Record<string, string>;
}

export const SILENCE_LIMITS = { matchers: 20, valueLength: 1024, commentLength: 1000, maxDurationDays: 366, equalLabels: 20 } as const;

/** A silence is PENDING before startsAt, ACTIVE in [startsAt, endsAt), EXPIRED from endsAt: it stops by itself, no job needed. */
export function silenceState(silence: Pick<SilenceLike, 'startsAt' | 'endsAt'>, now: number): SilenceStateName {
  if (now >= silence.endsAt.getTime()) return 'EXPIRED';
  return now < silence.startsAt.getTime() ? 'PENDING' : 'ACTIVE';
}

/** Checks matchers (label names, ops, regexes that compile, bounded lengths); errors name `<path>[i].<field>`. */
export function validateMatchers(matchers: readonly LabelMatcher[], path: string): StoredMatcher[] {
  if (matchers.length > SILENCE_LIMITS.matchers) throw new InvalidNotificationInput(`${path}: at most ${SILENCE_LIMITS.matchers} matchers`, path);
  matchers.forEach((m, i) => {
    if (typeof m.value === 'string' && m.value.length > SILENCE_LIMITS.valueLength) {
      throw new InvalidNotificationInput(`${path}[${i}].value: at most ${SILENCE_LIMITS.valueLength} characters`, `${path}[${i}].value`);
    }
  });
  try {
    compileMatchers(matchers);
  } catch (error) {
    if (!(error instanceof InvalidMatcher)) throw error;
    const field = /^matchers\[\d+\]\.(\w+)/.exec(error.message)?.[1] ?? 'value';
    throw new InvalidNotificationInput(`${path}${error.message.slice('matchers'.length)}`, `${path}[${error.index}].${field}`);
  }
  return matchers.map((m) => ({ name: m.name, op: m.op ?? 'EQ', value: m.value }));
}

export interface SilenceInputLike {
  matchers?: LabelMatcher[] | null;
  ruleId?: string | null;
  startsAt?: Date | null;
  endsAt: Date;
  comment: string;
}

/** Validates a new silence: at least one matcher or a rule, endsAt after startsAt and after now, bounded duration and comment. */
export function validateSilence(input: SilenceInputLike, now: number): SilenceLike & { comment: string } {
  const bad = (field: string, message: string): never => {
    throw new InvalidNotificationInput(`silence.${field}: ${message}`, `silence.${field}`);
  };
  const matchers = validateMatchers(input.matchers ?? [], 'silence.matchers');
  const ruleId = input.ruleId ?? undefined;
  if (ruleId !== undefined && (ruleId.length === 0 || ruleId.length > 200)) bad('ruleId', 'must be 1..200 characters');
  if (matchers.length === 0 && ruleId === undefined) bad('matchers', 'a silence needs at least one matcher or a ruleId');
  const startsAt = input.startsAt ?? new Date(now);
  const endsAt = input.endsAt;
  if (!(endsAt.getTime() > startsAt.getTime())) bad('endsAt', 'must be after startsAt');
  if (endsAt.getTime() <= now) bad('endsAt', 'must be in the future');
  if (endsAt.getTime() - startsAt.getTime() > SILENCE_LIMITS.maxDurationDays * 86_400_000)
    bad('endsAt', `a silence lasts at most ${SILENCE_LIMITS.maxDurationDays} days`);
  const comment = typeof input.comment === 'string' ? input.comment.trim() : '';
  if (comment.length === 0 || comment.length > SILENCE_LIMITS.commentLength) bad('comment', `must be 1..${SILENCE_LIMITS.commentLength} characters`);
  return { matchers, ...(ruleId !== undefined ? { ruleId } : {}), startsAt, endsAt, comment };
}

/** A predicate for the alerts a silence (or a matcher list with an optional rule) selects. */
export function alertSelector(selector: { matchers: readonly StoredMatcher[]; ruleId?: string }): (alert: MatchableAlert) => boolean {
  const test = compileMatchers(selector.matchers as readonly LabelMatcher[]);
  return (alert) => (selector.ruleId === undefined || selector.ruleId === alert.ruleId) && test((name) => alert.labels[name]);
}

export interface InhibitionLike {
  sourceMatchers: StoredMatcher[];
  targetMatchers: StoredMatcher[];
  equal: string[];
}

/** Validates an inhibition rule: matchers on both sides (at least one each), equal label names. */
export function validateInhibition(input: { sourceMatchers: LabelMatcher[]; targetMatchers: LabelMatcher[]; equal?: string[] | null }): InhibitionLike {
  const sourceMatchers = validateMatchers(input.sourceMatchers, 'rule.sourceMatchers');
  const targetMatchers = validateMatchers(input.targetMatchers, 'rule.targetMatchers');
  if (sourceMatchers.length === 0) throw new InvalidNotificationInput('rule.sourceMatchers: at least one matcher', 'rule.sourceMatchers');
  if (targetMatchers.length === 0) throw new InvalidNotificationInput('rule.targetMatchers: at least one matcher', 'rule.targetMatchers');
  const equal = input.equal ?? [];
  if (equal.length > SILENCE_LIMITS.equalLabels)
    throw new InvalidNotificationInput(`rule.equal: at most ${SILENCE_LIMITS.equalLabels} label names`, 'rule.equal');
  equal.forEach((name, i) => {
    if (!LABEL_NAME_PATTERN.test(name)) throw new InvalidNotificationInput(`rule.equal[${i}]: invalid label name ${JSON.stringify(name)}`, `rule.equal[${i}]`);
  });
  return { sourceMatchers, targetMatchers, equal: [...new Set(equal)] };
}

/**
 * Alertmanager's inhibition: a target is muted while some other FIRING alert matches a rule's source matchers, the
 * target its target matchers, and both have equal values (a missing label equals a missing one) for the rule's equal
 * labels. `sources` are the firing alerts of the environment.
 */
export class Inhibitor {
  private readonly rules: { source: (a: MatchableAlert) => boolean; target: (a: MatchableAlert) => boolean; equal: string[] }[];

  constructor(
    rules: readonly InhibitionLike[],
    private readonly sources: readonly (MatchableAlert & { id: string })[],
  ) {
    this.rules = rules.map((r) => ({
      source: alertSelector({ matchers: r.sourceMatchers }),
      target: alertSelector({ matchers: r.targetMatchers }),
      equal: r.equal,
    }));
  }

  inhibits(target: MatchableAlert & { id: string }): boolean {
    return this.rules.some(
      (rule) =>
        rule.target(target) &&
        this.sources.some(
          (source) => source.id !== target.id && rule.source(source) && rule.equal.every((name) => source.labels[name] === target.labels[name]),
        ),
    );
  }
}
