import { DomainError } from '../common/errors/domain-error';

/** A write-ahead log already holds its WAL_MAX_PENDING_BYTES: the batch is not taken, and may be sent again shortly. */
export class WriteQueueFull extends DomainError {
  constructor(log: string, maxBytes: number) {
    super('UNAVAILABLE', `The ${log} log has ${maxBytes} bytes waiting to be written; nothing was acknowledged. Retry the batch with the same batchId.`, {
      retryAfterSeconds: 1,
    });
  }
}
