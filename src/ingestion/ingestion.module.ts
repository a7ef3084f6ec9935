import { Module } from '@nestjs/common';
import { DashboardModule } from '../dashboard/dashboard.module';
import { HeartbeatModule } from '../heartbeat/heartbeat.module';
import { IngestionResolver } from './ingestion.resolver';
import { IngestionService } from './ingestion.service';

/** ingestBatch: validation, idempotency and the durable write pipeline. */
@Module({
  imports: [HeartbeatModule, DashboardModule],
  providers: [IngestionService, IngestionResolver],
})
export class IngestionModule {}
