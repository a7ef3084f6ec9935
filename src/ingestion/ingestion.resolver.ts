import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { Principal } from '../common/auth/principal';
import { Requires } from '../common/auth/requires.decorator';
import { TelemetryBatchInput } from './dto/telemetry-batch.input';
import { IngestionService } from './ingestion.service';
import { IngestResult } from './models/ingest-result.model';

@Resolver()
export class IngestionResolver {
  constructor(private readonly ingestion: IngestionService) {}

  @Requires('ingest')
  @Mutation(() => IngestResult)
  ingestBatch(@Args('batch') batch: TelemetryBatchInput, @CurrentPrincipal() principal: Principal): Promise<IngestResult> {
    return this.ingestion.ingest(batch, principal);
  }
}
