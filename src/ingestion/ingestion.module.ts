import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { DashboardModule } from '../dashboard/dashboard.module';
import { HeartbeatModule } from '../heartbeat/heartbeat.module';
import { IngestFastPathMiddleware } from './fast-path/ingest-fast-path.middleware';
import { IngestionResolver } from './ingestion.resolver';
import { IngestionService } from './ingestion.service';

/** ingestBatch: validation, idempotency and the durable write pipeline, with a fast path in front of Apollo. */
@Module({
  imports: [HeartbeatModule, DashboardModule],
  providers: [IngestionService, IngestionResolver, IngestFastPathMiddleware],
})
export class IngestionModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(IngestFastPathMiddleware).forRoutes({ path: 'graphql', method: RequestMethod.POST });
  }
}
