import { advance, LifecycleTiming, SubjectState, Verdict } from './alert-lifecycle';

const BREACH: Verdict = { breaching: true, cleared: false };
const OK: Verdict = { breaching: false, cleared: true };
/** Between threshold and clear threshold: no longer breaching, not yet cleared. */
const BETWEEN: Verdict = { breaching: false, cleared: false };
const UNKNOWN: Verdict = { breaching: undefined, cleared: false };

/** Feeds verdicts one per second from t=0 and returns the transitions with their times. */
function run(verdicts: Verdict[], timing: LifecycleTiming, start?: SubjectState) {
  let state = start;
  const out: [number, string][] = [];
  verdicts.forEach((verdict, t) => {
    const step = advance(state, verdict, t * 1000, timing);
    state = step.next;
    if (step.transition) out.push([t, step.transition]);
  });
  return { out, state };
}

describe('alert lifecycle', () => {
  it('fires at once without `for`, and resolves when the condition clears', () => {
    expect(run([OK, BREACH, BREACH, OK, OK], { forMs: 0, keepFiringForMs: 0 }).out).toEqual([
      [1, 'FIRING'],
      [3, 'RESOLVED'],
    ]);
  });

  it('is PENDING until the breach has lasted `for`, and a pending breach that clears resolves without firing', () => {
    const timing = { forMs: 2000, keepFiringForMs: 0 };
    expect(run([BREACH, BREACH, BREACH, OK], timing).out).toEqual([
      [0, 'PENDING'],
      [2, 'FIRING'],
      [3, 'RESOLVED'],
    ]);
    expect(run([BREACH, BREACH, OK, BREACH], timing).out).toEqual([
      [0, 'PENDING'],
      [2, 'RESOLVED'],
      [3, 'PENDING'],
    ]);
  });

  it('keeps firing for `keepFiringFor` after the condition cleared, and a new breach in between restarts that wait', () => {
    const timing = { forMs: 0, keepFiringForMs: 2000 };
    expect(run([BREACH, OK, OK, OK], timing).out).toEqual([
      [0, 'FIRING'],
      [3, 'RESOLVED'],
    ]);
    expect(run([BREACH, OK, BREACH, OK, OK, OK], timing).out).toEqual([
      [0, 'FIRING'],
      [5, 'RESOLVED'],
    ]);
  });

  it('with hysteresis, keeps firing while the value is between the thresholds', () => {
    expect(run([BREACH, BETWEEN, BETWEEN, OK], { forMs: 0, keepFiringForMs: 0 }).out).toEqual([
      [0, 'FIRING'],
      [3, 'RESOLVED'],
    ]);
  });

  it('holds its state while the rule cannot tell (a detector still training)', () => {
    const firing: SubjectState = { state: 'FIRING', activeSince: -5000, firedAt: -5000 };
    const { out, state } = run([UNKNOWN, UNKNOWN], { forMs: 0, keepFiringForMs: 0 }, firing);
    expect(out).toEqual([]);
    expect(state).toBe(firing);
    expect(run([UNKNOWN, BREACH], { forMs: 0, keepFiringForMs: 0 }).out).toEqual([[1, 'FIRING']]);
  });

  it('continues from a restored state: `for` counts from when the breach began', () => {
    const pending: SubjectState = { state: 'PENDING', activeSince: -4000 };
    expect(run([BREACH], { forMs: 5000, keepFiringForMs: 0 }, pending).out).toEqual([]);
    expect(run([BREACH, BREACH], { forMs: 5000, keepFiringForMs: 0 }, pending).out).toEqual([[1, 'FIRING']]);
  });
});
