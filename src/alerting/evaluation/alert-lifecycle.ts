/**
 * The lifecycle of one alert (a rule and a subject), as Prometheus runs it: a breach makes it
 * PENDING, a breach lasting `for` makes it FIRING, and it RESOLVES once the condition has cleared
 * for `keepFiringFor` (with hysteresis, "cleared" is past the clear threshold). Pure: the caller
 * passes the time and what the rule saw.
 */
export type OpenState = 'PENDING' | 'FIRING';
export type AlertTransition = 'PENDING' | 'FIRING' | 'RESOLVED';

export interface SubjectState {
  state: OpenState;
  /** When the breach began (the alert became PENDING, or FIRING directly). */
  activeSince: number;
  firedAt?: number;
  /** While FIRING with the condition cleared: since when (for keepFiringFor). */
  clearedSince?: number;
}

/** What one evaluation saw for a subject: breaching (or not), cleared (or not); `undefined` breaching means "cannot tell yet" and holds the state. */
export interface Verdict {
  breaching: boolean | undefined;
  cleared: boolean;
}

export interface LifecycleTiming {
  forMs: number;
  keepFiringForMs: number;
}

export interface Step {
  next: SubjectState | undefined;
  transition?: AlertTransition;
}

export function advance(current: SubjectState | undefined, verdict: Verdict, now: number, timing: LifecycleTiming): Step {
  if (verdict.breaching === undefined) return { next: current };
  if (current === undefined) {
    if (!verdict.breaching) return { next: undefined };
    return timing.forMs <= 0
      ? { next: { state: 'FIRING', activeSince: now, firedAt: now }, transition: 'FIRING' }
      : { next: { state: 'PENDING', activeSince: now }, transition: 'PENDING' };
  }
  if (current.state === 'PENDING') {
    if (!verdict.breaching) return { next: undefined, transition: 'RESOLVED' };
    if (now - current.activeSince >= timing.forMs) return { next: { ...current, state: 'FIRING', firedAt: now }, transition: 'FIRING' };
    return { next: current };
  }
  if (!verdict.cleared) return { next: current.clearedSince === undefined ? current : { ...current, clearedSince: undefined } };
  const clearedSince = current.clearedSince ?? now;
  if (now - clearedSince >= timing.keepFiringForMs) return { next: undefined, transition: 'RESOLVED' };
  return { next: { ...current, clearedSince } };
}
