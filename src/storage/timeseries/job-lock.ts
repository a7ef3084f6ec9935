import { Injectable } from '@nestjs/common';

/**
 * Runs the engine's background jobs (checkpoint, rollup, retention) one at a time: each
 * rewrites manifests from the in-memory catalog, and two at once would lose an update.
 */
@Injectable()
export class JobLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job, job);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
