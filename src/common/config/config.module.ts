import { Global, Module } from '@nestjs/common';
import { CLOCK, SystemClock } from '../clock/clock';
import { AppConfig, loadConfig } from './app-config';

/** Provides the validated AppConfig and the clock to every module. */
@Global()
@Module({
  providers: [
    { provide: AppConfig, useFactory: () => loadConfig() },
    { provide: CLOCK, useClass: SystemClock },
  ],
  exports: [AppConfig, CLOCK],
})
export class CoreConfigModule {}
