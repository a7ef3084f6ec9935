import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Unauthenticated } from './auth.errors';
import { RefusedRequests } from './refused-requests';
import { TokenVerifier } from './token-verifier';

/**
 * In front of every HTTP request to /graphql: without a valid token the request is answered
 * UNAUTHENTICATED (HTTP 401) before its document is parsed, validated or executed, so
 * introspection and every other operation need a token. The guard then checks each field's
 * permission and environment.
 */
@Injectable()
export class RequireTokenMiddleware implements NestMiddleware {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly refused: RefusedRequests,
  ) {}

  use(req: Request, res: Response, next: NextFunction): void {
    try {
      this.verifier.principal(req.headers.authorization);
    } catch (error) {
      if (!(error instanceof Unauthenticated)) throw error;
      this.refused.next({ code: 'UNAUTHENTICATED', reason: error.message, remoteAddress: req.ip ?? req.socket.remoteAddress });
      res
        .status(401)
        .setHeader('www-authenticate', 'Bearer')
        .json({ errors: [{ message: error.message, extensions: { code: error.code } }] });
      return;
    }
    next();
  }
}
