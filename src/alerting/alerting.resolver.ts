import { Inject } from '@nestjs/common';
import { Args, Context, ArgsType, Field, ID, Mutation, Query, Resolver, Subscription } from '@nestjs/graphql';
import { PubSubEngine } from 'graphql-subscriptions';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { Principal } from '../common/auth/principal';
import { Requires } from '../common/auth/requires.decorator';
import { PUB_SUB } from '../common/pubsub/pubsub.module';
import { SubscriptionBuffers } from '../common/pubsub/subscription-buffers';
import type { WebSocket } from 'ws';
import { AlertPreviewService } from './alert-preview.service';
import { alertTopic, AlertingService } from './alerting.service';
import { AlertPreview, PreviewAlertRuleArgs } from './models/alert-preview.model';
import { Alert, AlertConnection, AlertEvent, AlertEventsArgs, AlertsArgs, SEVERITY_RANK, Severity } from './models/alert.model';
import { AlertRulesService } from './rules/alert-rules.service';

@ArgsType()
class AlertArgs {
  @Field() environment!: string;
  @Field(() => ID) id!: string;
}

@ArgsType()
class AcknowledgeArgs extends AlertArgs {
  @Field({ nullable: true }) comment?: string;
}

@Resolver()
export class AlertingResolver {
  constructor(
    private readonly alerting: AlertingService,
    private readonly rules: AlertRulesService,
    private readonly previews: AlertPreviewService,
    @Inject(PUB_SUB) private readonly pubSub: PubSubEngine,
    private readonly buffers: SubscriptionBuffers,
  ) {}

  @Requires('read')
  @Query(() => AlertConnection, { description: 'newest first' })
  alerts(@Args() args: AlertsArgs): Promise<AlertConnection> {
    return this.alerting.list(args);
  }

  @Requires('read')
  @Query(() => Alert, { description: 'one alert with its history' })
  alert(@Args() { environment, id }: AlertArgs): Promise<Alert> {
    return this.alerting.get(environment, id);
  }

  @Requires('operate')
  @Mutation(() => Alert)
  acknowledgeAlert(@Args() { environment, id, comment }: AcknowledgeArgs, @CurrentPrincipal() caller: Principal): Promise<Alert> {
    return this.alerting.acknowledge(environment, id, caller.subject, comment ?? undefined, (ruleId) => this.rules.get(environment, ruleId));
  }

  @Requires('read')
  @Query(() => AlertPreview, { description: 'evaluates a rule definition over stored history, as live evaluation would; changes nothing' })
  previewAlertRule(@Args() { environment, rule, from, to }: PreviewAlertRuleArgs): Promise<AlertPreview> {
    return this.previews.preview(environment, rule, from, to);
  }

  @Requires('read')
  @Subscription(() => AlertEvent, {
    filter: (payload: { alertEvents: AlertEvent }, variables: AlertEventsArgs) =>
      SEVERITY_RANK[payload.alertEvents.severity] >= SEVERITY_RANK[variables.minSeverity ?? Severity.INFO],
  })
  alertEvents(@Args() args: AlertEventsArgs, @Context('socket') socket: WebSocket | undefined) {
    // Events are transitions: a slow client loses the oldest, never a connection's memory.
    return this.buffers.drain(socket, this.pubSub.asyncIterableIterator(alertTopic(args.environment)));
  }
}
