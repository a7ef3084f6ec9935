import { ArgsType, Field, ID, InputType, Int } from '@nestjs/graphql';
import { ChannelKind, DeliveryState } from '../models/notification-channel.model';

export const MAX_DELIVERY_PAGE = 500;

@InputType()
export class NotificationChannelInput {
  @Field() name!: string;
  @Field(() => ChannelKind) kind!: ChannelKind;
  @Field({ nullable: true, description: 'WEBHOOK, SLACK: http(s) URL; on update, omitted keeps the current one' }) url?: string;
  @Field({ nullable: true, description: 'WEBHOOK: HMAC-SHA256 key (16..1024 characters) for X-Vitals-Signature; on update, omitted keeps it, "" removes it' })
  secret?: string;
  @Field(() => [String], { nullable: true, description: 'EMAIL: 1..50 addresses' }) to?: string[];
  @Field({ nullable: true, defaultValue: true }) sendResolved?: boolean;
}

@ArgsType()
export class NotificationDeliveriesArgs {
  @Field() environment!: string;
  @Field(() => ID, { nullable: true }) channelId?: string;
  @Field(() => DeliveryState, { nullable: true }) state?: DeliveryState;
  @Field(() => Int, { nullable: true, description: `newest first, 1..${MAX_DELIVERY_PAGE} (default 50)` }) first?: number;
  @Field({ nullable: true, description: 'endCursor of the previous page' }) after?: string;
}
