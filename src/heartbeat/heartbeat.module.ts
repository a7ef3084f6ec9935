import { Module } from '@nestjs/common';
import { AppConfig } from '../common/config/app-config';
import { AgentRegistry, CLASSIFIER_FACTORY, ClassifierFactory } from './agent-registry';
import { AgentsResolver } from './agents.resolver';
import { AgentsService } from './agents.service';
import { classifierSettingsOf } from './classifier-config';
import { AdaptiveHealthClassifier } from './detector/adaptive-health-classifier';

/** The agent registry, the adaptive health classifier and its sweep, status history and uptime. */
@Module({
  providers: [
    {
      provide: CLASSIFIER_FACTORY,
      inject: [AppConfig],
      useFactory: (config: AppConfig): ClassifierFactory => {
        const settings = classifierSettingsOf(config);
        return () => new AdaptiveHealthClassifier(settings);
      },
    },
    AgentRegistry,
    AgentsService,
    AgentsResolver,
  ],
  exports: [AgentRegistry, AgentsService],
})
export class HeartbeatModule {}
