import { INestApplication, LogLevel } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Logger as JsonLogger } from 'nestjs-pino';
import { PubSubEngine } from 'graphql-subscriptions';
import { AppModule } from '../../src/app.module';
import { configureHttp } from '../../src/app.setup';
import { Clock, CLOCK } from '../../src/common/clock/clock';
import { AppConfig } from '../../src/common/config/app-config';
import { PUB_SUB } from '../../src/common/pubsub/pubsub.module';

/** Nest's levels, most verbose first, with pino's name of each. */
const PINO_LEVELS: [LogLevel, AppConfig['LOG_LEVEL']][] = [
  ['verbose', 'trace'],
  ['debug', 'debug'],
  ['log', 'info'],
  ['warn', 'warn'],
  ['error', 'error'],
  ['fatal', 'fatal'],
];

/**
 * The whole service in this process with the given configuration and clock, listening on a
 * free loopback port: for tests and benchmarks that move time by hand. A given `pubSub`
 * replaces the service's own (tests pass one they can observe).
 */
export async function listenInProcess(
  config: AppConfig,
  clock: Clock,
  logger: LogLevel[],
  pubSub?: PubSubEngine,
): Promise<{ app: INestApplication; url: string }> {
  // The service's JSON logger at the most verbose of the levels asked for (tests ask for errors only).
  const level = PINO_LEVELS.find(([nest]) => logger.includes(nest))?.[1] ?? 'silent';
  const logged = Object.assign(Object.create(AppConfig.prototype) as AppConfig, config, { LOG_LEVEL: level });
  const builder = Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(AppConfig)
    .useValue(logged)
    .overrideProvider(CLOCK)
    .useValue(clock);
  if (pubSub !== undefined) builder.overrideProvider(PUB_SUB).useValue(pubSub);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication({ bodyParser: false, logger });
  app.useLogger(app.get(JsonLogger));
  configureHttp(app);
  await app.listen(0, '127.0.0.1');
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}
