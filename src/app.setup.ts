import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { TokenVerifier } from './common/auth/token-verifier';
import { AppConfig } from './common/config/app-config';
import { rateLimitMiddleware } from './common/rate-limit/rate-limit.middleware';
import { RateLimits } from './common/rate-limit/rate-limits';
import { serveWebPages } from './common/web/web-pages';

/**
 * HTTP settings shared by the service and the tests: the browser pages (public, before the token check),
 * rate limits (before the body is read),
 * the request size limit, and GraphQL-shaped errors (with extensions.code) for bodies that never reach
 * GraphQL because they are too large or not JSON.
 */
export function configureHttp(app: INestApplication): void {
  const config = app.get(AppConfig);
  const express = app as NestExpressApplication;
  serveWebPages(express);
  express.use('/graphql', rateLimitMiddleware(app.get(RateLimits), app.get(TokenVerifier)));
  express.useBodyParser('json', { limit: config.MAX_REQUEST_BYTES });
  express.enableShutdownHooks();
  express.use((error: { type?: string; status?: number; message: string }, _req: Request, res: Response, next: NextFunction) => {
    if (error.type === 'entity.too.large') {
      res.status(413).json(bodyError(`Request body exceeds ${config.MAX_REQUEST_BYTES} bytes: split the batch`, 'PAYLOAD_TOO_LARGE'));
    } else if (error.type === 'entity.parse.failed') {
      res.status(400).json(bodyError(`Request body is not valid JSON: ${error.message}`, 'INVALID_JSON'));
    } else {
      next(error);
    }
  });
}

function bodyError(message: string, reason: string) {
  return { errors: [{ message, path: ['body'], extensions: { code: 'BAD_USER_INPUT', reason } }] };
}
