import { Global, Module } from '@nestjs/common';
import { InjectConnection, MongooseModule } from '@nestjs/mongoose';
import { Connection } from 'mongoose';
import { AppConfig } from '../common/config/app-config';
import { DatabaseServer } from './database-server';
import { AgentEventRepository } from './repositories/agent-event.repository';
import { AgentStateRepository } from './repositories/agent-state.repository';
import { AlertRepository } from './repositories/alert.repository';
import { IngestBatchRepository } from './repositories/ingest-batch.repository';
import { SampleRepository } from './repositories/sample.repository';
import { RetentionService } from './retention.service';
import { AgentEventDoc, AgentEventSchema } from './schemas/agent-event.schema';
import { AgentSnapshotDoc, AgentSnapshotSchema } from './schemas/agent-snapshot.schema';
import { AlertDoc, AlertSchema } from './schemas/alert.schema';
import { IngestBatchDoc, IngestBatchSchema } from './schemas/ingest-batch.schema';
import { SampleBlockDoc, SampleBlockSchema } from './schemas/sample-block.schema';

const REPOSITORIES = [AgentStateRepository, AgentEventRepository, SampleRepository, IngestBatchRepository, AlertRepository];

@Module({ providers: [DatabaseServer], exports: [DatabaseServer] })
class DatabaseServerModule {}

/** Owns the MongoDB connection, the collections and their indexes, and retention. */
@Global()
@Module({
  imports: [
    MongooseModule.forRootAsync({
      imports: [DatabaseServerModule],
      inject: [AppConfig, DatabaseServer],
      useFactory: async (config: AppConfig, server: DatabaseServer) => ({
        uri: await server.uri(),
        dbName: config.MONGODB_DB,
        // Acknowledged and journaled: an ingest answer means the data is on disk.
        writeConcern: { w: 1, journal: true },
        // Fail fast while the database is unreachable instead of queueing requests.
        bufferCommands: false,
        serverSelectionTimeoutMS: 5000,
        autoIndex: false,
      }),
    }),
    MongooseModule.forFeature([
      { name: AgentSnapshotDoc.name, schema: AgentSnapshotSchema },
      { name: AgentEventDoc.name, schema: AgentEventSchema },
      { name: SampleBlockDoc.name, schema: SampleBlockSchema },
      { name: IngestBatchDoc.name, schema: IngestBatchSchema },
      { name: AlertDoc.name, schema: AlertSchema },
    ]),
  ],
  providers: [...REPOSITORIES, RetentionService],
  exports: [...REPOSITORIES, RetentionService],
})
export class StorageModule {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  /** Creates the indexes declared on the schemas (both MongoDB 7 and FerretDB support them). */
  async onModuleInit(): Promise<void> {
    await Promise.all(Object.values(this.connection.models).map((model) => model.createIndexes()));
  }
}
