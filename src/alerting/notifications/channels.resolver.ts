import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator';
import { Principal } from '../../common/auth/principal';
import { Requires } from '../../common/auth/requires.decorator';
import { ChannelsService } from './channels.service';
import { NotificationChannelInput, NotificationDeliveriesArgs } from './dto/notification-channel.input';
import { NotificationChannel, NotificationDelivery, NotificationDeliveryConnection } from './models/notification-channel.model';

@Resolver(() => NotificationChannel)
export class ChannelsResolver {
  constructor(private readonly channels: ChannelsService) {}

  @Requires('operate')
  @Mutation(() => NotificationChannel)
  createNotificationChannel(
    @Args('environment') environment: string,
    @Args('channel') channel: NotificationChannelInput,
    @CurrentPrincipal() caller: Principal,
  ): Promise<NotificationChannel> {
    return this.channels.create(environment, channel, caller.subject);
  }

  @Requires('operate')
  @Mutation(() => NotificationChannel)
  updateNotificationChannel(
    @Args('environment') environment: string,
    @Args('id', { type: () => ID }) id: string,
    @Args('channel') channel: NotificationChannelInput,
    @CurrentPrincipal() caller: Principal,
  ): Promise<NotificationChannel> {
    return this.channels.update(environment, id, channel, caller.subject);
  }

  @Requires('operate')
  @Mutation(() => Boolean)
  deleteNotificationChannel(
    @Args('environment') environment: string,
    @Args('id', { type: () => ID }) id: string,
    @CurrentPrincipal() caller: Principal,
  ): Promise<boolean> {
    return this.channels.delete(environment, id, caller.subject);
  }

  @Requires('operate')
  @Mutation(() => NotificationDelivery, { description: 'sends a test notification now (one attempt) and returns its outcome' })
  testChannel(@Args('environment') environment: string, @Args('id', { type: () => ID }) id: string): Promise<NotificationDelivery> {
    return this.channels.test(environment, id);
  }

  @Requires('read')
  @Query(() => [NotificationChannel])
  notificationChannels(@Args('environment') environment: string): Promise<NotificationChannel[]> {
    return this.channels.list(environment);
  }

  @Requires('read')
  @Query(() => NotificationChannel, { nullable: true })
  notificationChannel(@Args('environment') environment: string, @Args('id', { type: () => ID }) id: string): Promise<NotificationChannel | null> {
    return this.channels.find(environment, id);
  }

  @Requires('read')
  @Query(() => NotificationDeliveryConnection, { description: 'newest first' })
  notificationDeliveries(@Args() args: NotificationDeliveriesArgs): Promise<NotificationDeliveryConnection> {
    return this.channels.deliveries(args);
  }

  @ResolveField(() => [NotificationDelivery], { description: 'newest first' })
  recentDeliveries(@Parent() channel: NotificationChannel, @Args('first', { type: () => Int, defaultValue: 10, description: '1..100' }) first: number) {
    return this.channels.recentDeliveries(channel.environment, channel.id, first);
  }
}
