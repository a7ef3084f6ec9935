/**
 * Flapping state of one agent: its last `flapThreshold` recoveries from DOWN in a ring
 * (constant size), and whether it is FLAPPING.
 */
export class FlapTracker {
  flapping = false;
  /** While flapping: when the agent was last DOWN, by the classifier's own view. */
  lastDownAt = 0;
  private recoveries: Float64Array | undefined;
  private recoveryCount = 0;

  /** Records a recovery from DOWN; returns the span of the last `threshold` recoveries when it is within `windowMs`, else -1. */
  recordRecovery(now: number, threshold: number, windowMs: number): number {
    this.recoveries ??= new Float64Array(threshold);
    this.recoveries[this.recoveryCount % threshold] = now;
    this.recoveryCount++;
    if (this.recoveryCount < threshold) return -1;
    const oldest = this.recoveries[this.recoveryCount % threshold];
    return now - oldest <= windowMs ? now - oldest : -1;
  }

  /** Ends flapping; recoveries before now no longer count. */
  stop(): void {
    this.flapping = false;
    this.recoveryCount = 0;
  }
}
