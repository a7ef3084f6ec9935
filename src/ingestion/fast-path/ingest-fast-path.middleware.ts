import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { createSecretKey, KeyObject } from 'node:crypto';
import { verify } from 'jsonwebtoken';
import { JWT_ALGORITHMS } from '../../common/auth/jwt.strategy';
import { parseClaims, Principal } from '../../common/auth/principal';
import { AppConfig } from '../../common/config/app-config';
import { IngestionService } from '../ingestion.service';
import { isPlainTelemetryBatch } from './batch-shape';
import { IngestOperationMatcher, projectResult } from './ingest-operation';

/**
 * The hot path of ingestion, in front of Apollo: a plain ingestBatch (a document the
 * matcher knows, a batch that is certainly well-typed, a token allowed to ingest into its
 * environment) goes straight to IngestionService and is answered as GraphQL would answer
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
  /** A key object: given the string, jsonwebtoken would derive one for every request. */
  private readonly secret: KeyObject;

  constructor(
    config: AppConfig,
    private readonly ingestion: IngestionService,
  ) {
    this.secret = createSecretKey(Buffer.from(config.jwtSecret, 'utf8'));
  }

  use(req: Request, res: Response, next: NextFunction): void {
    const body = req.body as { query?: unknown; variables?: unknown; operationName?: unknown; extensions?: unknown } | undefined;
    if (typeof body?.query !== 'string' || body.extensions !== undefined) return next();
    const operation = this.matcher.match(body.query);
    if (operation === undefined || (body.operationName != null && body.operationName !== operation.operationName)) return next();
    const batch = (body.variables as Record<string, unknown> | undefined)?.[operation.variable];
    if (!isPlainTelemetryBatch(batch)) return next();
    const principal = this.principal(req.headers.authorization);
    if (principal === undefined || !principal.has('ingest') || !principal.canAccessEnvironment(batch.environment)) return next();

    this.ingestion.ingest(batch, principal).then(
      (result) => res.json({ data: projectResult(operation, result) }),
      () => next(),
    );
  }

  private principal(header: string | undefined): Principal | undefined {
    if (header === undefined || !header.startsWith('Bearer ')) return undefined;
    try {
      const claims = parseClaims(verify(header.slice(7), this.secret, { algorithms: [...JWT_ALGORITHMS] }));
      return typeof claims === 'string' ? undefined : new Principal(claims);
    } catch {
      return undefined;
    }
  }
}
