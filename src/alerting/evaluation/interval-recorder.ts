import type { Transition } from './rule-evaluator';

export interface AlertIntervalRecord {
  subject: string;
  state: 'PENDING' | 'FIRING';
  start: number;
  /** Undefined while still open at the end of the preview. */
  end?: number;
  value: number;
}

/** Turns a preview's transitions into the intervals each subject spent PENDING and FIRING. */
export class IntervalRecorder {
  private readonly open = new Map<string, AlertIntervalRecord>();
  private readonly closed: AlertIntervalRecord[] = [];

  record(transitions: readonly Transition[]): void {
    for (const t of transitions) {
      const current = this.open.get(t.subject);
      if (current !== undefined) {
        current.end = t.at;
        this.closed.push(current);
        this.open.delete(t.subject);
      }
      if (t.to !== 'RESOLVED') this.open.set(t.subject, { subject: t.subject, state: t.to, start: t.at, value: t.value });
    }
  }

  /** Every interval that overlaps [from, ...): closed ones in order of their end, then the open ones. */
  intervals(from: number): AlertIntervalRecord[] {
    return [...this.closed.filter((i) => i.end! > from), ...this.open.values()];
  }
}
