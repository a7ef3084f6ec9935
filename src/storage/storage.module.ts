import { Global, Module } from '@nestjs/common';
import { InjectConnection, MongooseModule } from '@nestjs/mongoose';
import { Connection, ConnectionStates } from 'mongoose';
import { AppConfig } from '../common/config/app-config';
import { Metrics } from '../common/metrics/metrics';
import { DatabaseAvailability } from './database-availability';
import { DatabaseServer } from './database-server';
import { AgentEventRepository } from './repositories/agent-event.repository';
import { AgentStateRepository } from './repositories/agent-state.repository';
import { AlertRuleRepository } from './repositories/alert-rule.repository';
import { AlertRepository } from './repositories/alert.repository';
import { AuditRepository } from './repositories/audit.repository';
import { NotificationChannelRepository } from './repositories/notification-channel.repository';
import { NotificationDeliveryRepository } from './repositories/notification-delivery.repository';
import { NotificationGroupRepository } from './repositories/notification-group.repository';
import { SilenceRepository } from './repositories/silence.repository';
import { TimeSeriesRepository } from './repositories/time-series.repository';
import { TokenRevocationRepository } from './repositories/token-revocation.repository';
import { RetentionService } from './retention.service';
import { AgentEventDoc, AgentEventSchema } from './schemas/agent-event.schema';
import { AgentSnapshotDoc, AgentSnapshotSchema } from './schemas/agent-snapshot.schema';
import { AlertRuleDoc, AlertRuleSchema } from './schemas/alert-rule.schema';
import { AlertDoc, AlertSchema } from './schemas/alert.schema';
import { AuditEntryDoc, AuditEntrySchema } from './schemas/audit-entry.schema';
import { NotificationChannelDoc, NotificationChannelSchema } from './schemas/notification-channel.schema';
import { NotificationDeliveryDoc, NotificationDeliverySchema } from './schemas/notification-delivery.schema';
import { NotificationGroupDoc, NotificationGroupSchema } from './schemas/notification-group.schema';
import { InhibitionRuleDoc, InhibitionRuleSchema, SilenceDoc, SilenceSchema } from './schemas/silence.schema';
import { TokenRevocationDoc, TokenRevocationSchema } from './schemas/token-revocation.schema';
import { AgentLabelIndex } from './timeseries/agent-label-index';
import { JobLock } from './timeseries/job-lock';
import { PartStore } from './timeseries/part-store';
import { SeriesCatalog } from './timeseries/series-catalog';
import { TierMaintenance } from './timeseries/tier-maintenance';
import { TimeSeriesReader } from './timeseries/time-series-reader';
import { TimeSeriesStore } from './timeseries/time-series-store';

const REPOSITORIES = [
  AgentStateRepository,
  AgentEventRepository,
  TimeSeriesRepository,
  AlertRepository,
  AlertRuleRepository,
  AuditRepository,
  TokenRevocationRepository,
];
const NOTIFICATION_REPOSITORIES = [NotificationChannelRepository, NotificationDeliveryRepository, NotificationGroupRepository, SilenceRepository];
const TIME_SERIES = [DatabaseAvailability, JobLock, PartStore, TimeSeriesStore, TimeSeriesReader, TierMaintenance, AgentLabelIndex];
const seriesCatalog = {
  provide: SeriesCatalog,
  inject: [AppConfig],
  useFactory: (config: AppConfig) => new SeriesCatalog({ maxSeries: config.SERIES_MAX_PER_ENVIRONMENT, maxLabelValues: config.SERIES_MAX_LABEL_VALUES }),
};

@Module({ providers: [DatabaseServer], exports: [DatabaseServer] })
class DatabaseServerModule {}

/** Owns the MongoDB connection, the collections and their indexes, the time-series engine, and retention. */
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
        // Fail fast while the database is unreachable instead of queueing requests: no buffering, at most 5 s
        // waiting for a server (DatabaseAvailability refuses writes at once while none is seen), 5 s to connect,
        // 30 s of silence on a socket; the server is checked every second, so a returning one is seen within ~1 s.
        bufferCommands: false,
        serverSelectionTimeoutMS: 5000,
        connectTimeoutMS: 5000,
        socketTimeoutMS: 30_000,
        heartbeatFrequencyMS: 1000,
        // At start-up without a database: 9 more attempts 3 s apart (each waiting up to 5 s), ~70 s in all, then exit 1.
        retryAttempts: 9,
        retryDelay: 3000,
        autoIndex: false,
        // Failed commands and write errors count in vitals_database_errors_total.
        monitorCommands: true,
      }),
    }),
    MongooseModule.forFeature([
      { name: AgentSnapshotDoc.name, schema: AgentSnapshotSchema },
      { name: AgentEventDoc.name, schema: AgentEventSchema },
      { name: AlertDoc.name, schema: AlertSchema },
      { name: AlertRuleDoc.name, schema: AlertRuleSchema },
      { name: AuditEntryDoc.name, schema: AuditEntrySchema },
      { name: NotificationChannelDoc.name, schema: NotificationChannelSchema },
      { name: NotificationDeliveryDoc.name, schema: NotificationDeliverySchema },
      { name: NotificationGroupDoc.name, schema: NotificationGroupSchema },
      { name: SilenceDoc.name, schema: SilenceSchema },
      { name: InhibitionRuleDoc.name, schema: InhibitionRuleSchema },
      { name: TokenRevocationDoc.name, schema: TokenRevocationSchema },
    ]),
  ],
  providers: [...REPOSITORIES, ...NOTIFICATION_REPOSITORIES, ...TIME_SERIES, seriesCatalog, RetentionService],
  exports: [...REPOSITORIES, ...NOTIFICATION_REPOSITORIES, ...TIME_SERIES, SeriesCatalog, RetentionService],
})
export class StorageModule {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly metrics: Metrics,
  ) {}

  /** Creates the indexes declared on the schemas (both MongoDB 7 and FerretDB support them). */
  async onModuleInit(): Promise<void> {
    const client = this.connection.getClient();
    client.on('commandFailed', (event) => this.metrics.databaseErrors.inc({ command: event.commandName }));
    // Write errors (a duplicate key, a document too large) come in a successful reply.
    client.on('commandSucceeded', (event) => {
      if ((event.reply as { writeErrors?: unknown[] } | undefined)?.writeErrors?.length) this.metrics.databaseErrors.inc({ command: event.commandName });
    });
    this.metrics.gauge('vitals_database_connected', '1 while the database connection is up, else 0', () =>
      this.connection.readyState === ConnectionStates.connected ? 1 : 0,
    );
    await Promise.all(Object.values(this.connection.models).map((model) => model.createIndexes()));
  }
}
