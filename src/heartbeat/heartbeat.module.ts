import { Module } from '@nestjs/common';
import { AppConfig } from '../common/config/app-config';
import { AgentRegistry } from './agent-registry';
import { AgentsResolver } from './agents.resolver';
import { AgentsService } from './agents.service';
import { FAILURE_DETECTOR } from './detector/failure-detector';
import { IntervalFailureDetector } from './detector/interval-failure-detector';

/** The agent registry, the failure detector and its sweep, status history and uptime. */
@Module({
  providers: [
    {
      provide: FAILURE_DETECTOR,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new IntervalFailureDetector({
          suspectAfterIntervals: config.DETECTOR_SUSPECT_AFTER_INTERVALS,
          downAfterIntervals: config.DETECTOR_DOWN_AFTER_INTERVALS,
        }),
    },
    AgentRegistry,
    AgentsService,
    AgentsResolver,
  ],
  exports: [AgentRegistry, AgentsService],
})
export class HeartbeatModule {}
