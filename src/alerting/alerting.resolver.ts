import { Inject } from '@nestjs/common';
import { Args, Query, Resolver, Subscription } from '@nestjs/graphql';
import { PubSubEngine } from 'graphql-subscriptions';
import { Requires } from '../common/auth/requires.decorator';
import { PUB_SUB } from '../common/pubsub/pubsub.module';
import { alertTopic, AlertingService } from './alerting.service';
import { Alert, AlertEvent, AlertEventsArgs, AlertsArgs, SEVERITY_RANK, Severity } from './models/alert.model';

@Resolver()
export class AlertingResolver {
  constructor(
    private readonly alerting: AlertingService,
    @Inject(PUB_SUB) private readonly pubSub: PubSubEngine,
  ) {}

  @Requires('read')
  @Query(() => [Alert])
  alerts(@Args() args: AlertsArgs): Promise<Alert[]> {
    return this.alerting.list(args);
  }

  @Requires('read')
  @Subscription(() => AlertEvent, {
    filter: (payload: { alertEvents: AlertEvent }, variables: AlertEventsArgs) =>
      SEVERITY_RANK[payload.alertEvents.severity] >= SEVERITY_RANK[variables.minSeverity ?? Severity.INFO],
  })
  alertEvents(@Args() args: AlertEventsArgs) {
    return this.pubSub.asyncIterableIterator(alertTopic(args.environment));
  }
}
