import { Module } from '@nestjs/common';
import { AppConfig } from '../common/config/app-config';
import { AgentRegistry, CLASSIFIER_FACTORY, ClassifierFactory } from './agent-registry';
import { AgentsResolver } from './agents.resolver';
import { AgentsService } from './agents.service';
import { AdaptiveHealthClassifier } from './detector/adaptive-health-classifier';

/** The agent registry, the adaptive health classifier and its sweep, status history and uptime. */
@Module({
  providers: [
    {
      provide: CLASSIFIER_FACTORY,
      inject: [AppConfig],
      useFactory: (config: AppConfig): ClassifierFactory => () =>
        new AdaptiveHealthClassifier({
          k: config.DETECTOR_K,
          minTimeoutMs: config.DETECTOR_MIN_TIMEOUT_MS,
          maxTimeoutFactor: config.DETECTOR_MAX_TIMEOUT_INTERVALS,
          downAfterTimeouts: config.DETECTOR_DOWN_AFTER_TIMEOUTS,
          jitterCvThreshold: config.DETECTOR_JITTER_CV_THRESHOLD,
          resourceThresholdPercent: config.DETECTOR_RESOURCE_PERCENT,
          partitionGroupLabels: config.PARTITION_GROUP_LABELS.split(','),
          partitionMinAgents: config.PARTITION_MIN_AGENTS,
          partitionSilentFraction: config.PARTITION_SILENT_FRACTION,
          flapWindowMs: config.FLAP_WINDOW_SECONDS * 1000,
          flapThreshold: config.FLAP_THRESHOLD,
          flapSettleMs: config.FLAP_SETTLE_SECONDS * 1000,
        }),
    },
    AgentRegistry,
    AgentsService,
    AgentsResolver,
  ],
  exports: [AgentRegistry, AgentsService],
})
export class HeartbeatModule {}
