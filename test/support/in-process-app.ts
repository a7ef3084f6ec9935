import { INestApplication, LogLevel } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../src/app.module';
import { configureHttp } from '../../src/app.setup';
import { Clock, CLOCK } from '../../src/common/clock/clock';
import { AppConfig } from '../../src/common/config/app-config';

/**
 * The whole service in this process with the given configuration and clock, listening on a
 * free loopback port: for tests and benchmarks that move time by hand.
 */
export async function listenInProcess(config: AppConfig, clock: Clock, logger: LogLevel[]): Promise<{ app: INestApplication; url: string }> {
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(AppConfig)
    .useValue(config)
    .overrideProvider(CLOCK)
    .useValue(clock)
    .compile();
  const app = moduleRef.createNestApplication({ bodyParser: false, logger });
  configureHttp(app);
  await app.listen(0, '127.0.0.1');
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}
