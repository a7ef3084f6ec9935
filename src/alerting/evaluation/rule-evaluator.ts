import type { AnomalyDetector, AnomalySettings } from '../detectors/anomaly-detector';
import { advance, AlertTransition, SubjectState, Verdict } from './alert-lifecycle';
import { breaches, clears } from './comparison';
import type { RuleDefinition } from './rule-definition';
import type { SubjectValue } from './window-values';

export interface Transition {
  subject: string;
  labels: Record<string, string>;
  to: AlertTransition;
  at: number;
  /** The evaluated value that caused it (NaN: the subject had no data). */
  value: number;
  /** Why, for people: e.g. a detector's explanation. */
  explanation?: string;
}

export type DetectorFactory = (settings: AnomalySettings) => AnomalyDetector;

const NO_DATA: Verdict = { breaching: false, cleared: true };

/**
 * Evaluates one rule over time: fed the subjects' values at each evaluation (in time order),
 * returns the alert transitions. Keeps the lifecycle state per subject and, for ANOMALY rules,
 * one incremental detector per subject. The same class serves live evaluation and previews.
 */
export class RuleEvaluator {
  private readonly states = new Map<string, SubjectState>();
  private readonly detectors = new Map<string, { detector: AnomalyDetector; lastSeen: number }>();

  constructor(
    readonly rule: RuleDefinition,
    private readonly makeDetector: DetectorFactory,
  ) {}

  /** Continues an alert that was open before (after a restart). */
  restore(subject: string, state: SubjectState): void {
    this.states.set(subject, state);
  }

  get open(): ReadonlyMap<string, SubjectState> {
    return this.states;
  }

  /**
   * One evaluation at `now`. With `complete` (a full evaluation of the rule's selection), open
   * subjects that are missing have no data any more and resolve; a partial evaluation (one
   * agent's health change) leaves the others alone.
   */
  evaluate(now: number, values: readonly SubjectValue[], complete = true): Transition[] {
    const timing = { forMs: this.rule.forSeconds * 1000, keepFiringForMs: this.rule.keepFiringForSeconds * 1000 };
    const transitions: Transition[] = [];
    const seen = new Set<string>();
    const step = (subject: string, labels: Record<string, string>, value: number, verdict: Verdict, explanation?: string) => {
      const { next, transition } = advance(this.states.get(subject), verdict, now, timing);
      if (next === undefined) this.states.delete(subject);
      else this.states.set(subject, next);
      if (transition !== undefined) transitions.push({ subject, labels, to: transition, at: now, value, explanation });
    };
    for (const { subject, labels, value, detail } of values) {
      seen.add(subject);
      const { verdict, explanation } = this.judge(subject, now, value);
      step(subject, labels, value, verdict, explanation ?? detail);
    }
    if (complete) {
      for (const subject of [...this.states.keys()]) if (!seen.has(subject)) step(subject, {}, NaN, NO_DATA, 'no data');
      // A gap does not cost a detector its training; a series silent for a whole training period does.
      const trainingMs = (this.rule.anomaly?.trainingSeconds ?? 0) * 1000;
      for (const [subject, { lastSeen }] of this.detectors) if (now - lastSeen > trainingMs) this.detectors.delete(subject);
    }
    return transitions;
  }

  /** Trains an ANOMALY rule's detectors on past values without moving any alert: priming after a start. */
  learn(at: number, values: readonly SubjectValue[]): void {
    if (this.rule.kind !== 'ANOMALY') return;
    for (const { subject, value } of values) if (!Number.isNaN(value)) this.detectorOf(subject, at).update(at, value);
  }

  private detectorOf(subject: string, at: number): AnomalyDetector {
    let entry = this.detectors.get(subject);
    if (entry === undefined) this.detectors.set(subject, (entry = { detector: this.makeDetector(this.rule.anomaly!), lastSeen: at }));
    entry.lastSeen = at;
    return entry.detector;
  }

  private judge(subject: string, now: number, value: number): { verdict: Verdict; explanation?: string } {
    const rule = this.rule;
    if (rule.kind !== 'ANOMALY') {
      return {
        verdict: { breaching: breaches(rule.operator, value, rule.threshold), cleared: clears(rule.operator, value, rule.threshold, rule.clearThreshold) },
      };
    }
    if (Number.isNaN(value)) return { verdict: { breaching: undefined, cleared: false } };
    const verdict = this.detectorOf(subject, now).update(now, value);
    if (Number.isNaN(verdict.score)) return { verdict: { breaching: undefined, cleared: false }, explanation: verdict.explanation };
    return { verdict: { breaching: verdict.anomalous, cleared: !verdict.anomalous }, explanation: verdict.explanation };
  }
}
