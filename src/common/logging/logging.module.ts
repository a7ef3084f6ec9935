import { Module } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { LoggerModule } from 'nestjs-pino';
import type { Options } from 'pino-http';
import { stdSerializers } from 'pino';
import { AppConfig } from '../config/app-config';
import { redactSecrets } from './redact';

/** A request id the caller sent, when it is a plain token; else one of ours. */
const CALLER_REQUEST_ID = /^[\w.:-]{1,64}$/;

/**
 * Structured JSON logs (pino): one line per event, the request id (`req.id`, also the
 * `x-request-id` response header) on every line logged while a request is served. Successful
 * requests log at `debug` (thousands of ingests a second would otherwise flood the log), 4xx at
 * `warn`, 5xx at `error`. Authorization and cookie headers are never written, and passwords in
 * connection strings are masked in every message and error.
 */
export function httpLoggerOptions(config: AppConfig): Options {
  return {
    level: config.LOG_LEVEL,
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && CALLER_REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
    customLogLevel: (_req, res, error) => (error !== undefined || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'debug'),
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["proxy-authorization"]'], censor: '[redacted]' },
    serializers: {
      err: (error: Error) => {
        const serialized = stdSerializers.err(error);
        return { ...serialized, message: redactSecrets(serialized.message), stack: redactSecrets(serialized.stack) };
      },
    },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((arg: unknown) => (typeof arg === 'string' ? redactSecrets(arg) : arg)) as Parameters<typeof method>);
      },
    },
  };
}

@Module({
  imports: [LoggerModule.forRootAsync({ inject: [AppConfig], useFactory: (config: AppConfig) => ({ pinoHttp: httpLoggerOptions(config) }) })],
})
export class LoggingModule {}
