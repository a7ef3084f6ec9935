import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { ScheduleModule } from '@nestjs/schedule';
import { AlertingModule } from './alerting/alerting.module';
import { AuditModule } from './audit/audit.module';
import { AuthAdminModule } from './auth-admin/auth-admin.module';
import { AuthModule } from './common/auth/auth.module';
import { OpenSockets } from './common/auth/connection-auth';
import { GqlAuthGuard } from './common/auth/gql-auth.guard';
import { TokenVerifier } from './common/auth/token-verifier';
import { AppConfig } from './common/config/app-config';
import { CoreConfigModule } from './common/config/config.module';
import { ComplexityPlugin } from './common/graphql/complexity.plugin';
import { GraphQLErrorFilter } from './common/graphql/graphql-error.filter';
import { graphqlOptions } from './common/graphql/graphql-options';
import { LoggingModule } from './common/logging/logging.module';
import { Metrics, MetricsModule } from './common/metrics/metrics';
import { PubSubModule } from './common/pubsub/pubsub.module';
import { RateLimitModule } from './common/rate-limit/rate-limit.module';
import { RateLimits } from './common/rate-limit/rate-limits';
import { WebSocketPayloadLimit } from './common/graphql/subscription-limits';
import { DashboardModule } from './dashboard/dashboard.module';
import { HealthModule } from './health/health.module';
import { HeartbeatModule } from './heartbeat/heartbeat.module';
import { IngestionModule } from './ingestion/ingestion.module';
import { StorageModule } from './storage/storage.module';

/** The feature modules, in the order data flows through them; also what schema.gql is emitted from. */
export const FEATURE_MODULES = [StorageModule, IngestionModule, HeartbeatModule, HealthModule, DashboardModule, AuditModule, AlertingModule, AuthAdminModule];

@Module({
  imports: [
    CoreConfigModule,
    LoggingModule,
    MetricsModule,
    PubSubModule,
    ScheduleModule.forRoot(),
    AuthModule,
    RateLimitModule,
    GraphQLModule.forRootAsync<ApolloDriverConfig>({
      driver: ApolloDriver,
      inject: [AppConfig, TokenVerifier, OpenSockets, Metrics, RateLimits],
      useFactory: graphqlOptions,
    }),
    ...FEATURE_MODULES,
  ],
  providers: [ComplexityPlugin, WebSocketPayloadLimit, { provide: APP_GUARD, useClass: GqlAuthGuard }, { provide: APP_FILTER, useClass: GraphQLErrorFilter }],
})
export class AppModule {}
