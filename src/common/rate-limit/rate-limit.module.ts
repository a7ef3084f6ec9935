import { Global, Module } from '@nestjs/common';
import { RateLimits } from './rate-limits';

/** The one set of rate limiters, shared by HTTP (rate-limit.middleware) and WebSocket subscribe messages. */
@Global()
@Module({ providers: [RateLimits], exports: [RateLimits] })
export class RateLimitModule {}
