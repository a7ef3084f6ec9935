import { DomainError } from '../common/errors/domain-error';

/** Where a refusal of the whole batch points: the `batch` argument of ingestBatch, which is also the batch's own path in IngestIssues. */
export const BATCH_PATH = 'batch';

/**
 * The batch as a whole cannot be taken (too big, bad environment): nothing is applied.
 * `path` is within the batch, as IngestIssue paths are, or BATCH_PATH for the batch itself;
 * argumentPath names it from the argument, e.g. `batch.environment`, or just `batch`.
 */
export class BatchRejected extends DomainError {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super('BAD_USER_INPUT', message, { argumentPath: path === BATCH_PATH ? BATCH_PATH : `${BATCH_PATH}.${path}` });
  }
}

/** A storage write failed: nothing was acknowledged, so a retry with the same batchId is safe. */
export class StorageUnavailable extends DomainError {
  constructor() {
    super('UNAVAILABLE', 'Storage is unavailable; nothing was acknowledged. Retry the batch with the same batchId.');
  }
}
