import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Principal } from '../../common/auth/principal';
import { TokenVerifier } from '../../common/auth/token-verifier';
import { IngestionService } from '../ingestion.service';
import { isPlainTelemetryBatch } from './batch-shape';
import { IngestOperationMatcher, projectResult } from './ingest-operation';

/**
 * The hot path of ingestion, in front of Apollo: a plain ingestBatch (a token allowed to
 * ingest, checked before the query text is even looked at, a document the matcher knows, a
 * batch that is certainly well-typed, in an environment the token holds) goes straight to IngestionService and is answered as GraphQL would answer
 * it. Apollo would coerce every sample of the variables twice (for the cost estimate and
 * for execution), which cost more than everything else a batch needs.
 *
 * Anything else, and every error, falls through to Apollo unchanged, so errors keep their
 * exact GraphQL form; a batch that fails here has acknowledged nothing and is simply
 * processed again there.
 */
@Injectable()
export class IngestFastPathMiddleware implements NestMiddleware {
  private readonly matcher = new IngestOperationMatcher();

  constructor(
    private readonly verifier: TokenVerifier,
    private readonly ingestion: IngestionService,
  ) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const body = req.body as { query?: unknown; variables?: unknown; operationName?: unknown; extensions?: unknown } | undefined;
    if (typeof body?.query !== 'string' || body.extensions !== undefined) return next();
    // The token first: without one allowed to ingest, nothing of the request is parsed or remembered.
    const principal = this.principal(req.headers.authorization);
    if (principal === undefined || !principal.has('ingest')) return next();
    const operation = this.matcher.match(body.query);
    if (operation === undefined || (body.operationName != null && body.operationName !== operation.operationName)) return next();
    const batch = (body.variables as Record<string, unknown> | undefined)?.[operation.variable];
    if (!isPlainTelemetryBatch(batch) || !principal.canAccessEnvironment(batch.environment)) return next();

    this.ingestion.ingest(batch, principal).then(
      (result) => res.json({ data: projectResult(operation, result) }),
      () => next(),
    );
  }

  /** The caller, or undefined when the token is refused: Apollo then answers the refusal. */
  private principal(authorization: string | undefined): Principal | undefined {
    try {
      return this.verifier.principal(authorization);
    } catch {
      return undefined;
    }
  }
}
