import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { PageInfo } from '../../../common/graphql/page-info.model';

export enum ChannelKind {
  WEBHOOK = 'WEBHOOK',
  SLACK = 'SLACK',
  EMAIL = 'EMAIL',
}
registerEnumType(ChannelKind, { name: 'ChannelKind' });

export enum DeliveryState {
  PENDING = 'PENDING',
  SENDING = 'SENDING',
  DELIVERED = 'DELIVERED',
  FAILED = 'FAILED',
}
registerEnumType(DeliveryState, { name: 'DeliveryState', description: 'PENDING (queued or waiting to be retried), SENDING, then DELIVERED or FAILED' });

@ObjectType({ description: 'One notification to one channel, and what became of it' })
export class NotificationDelivery {
  @Field(() => ID) id!: string;
  @Field() environment!: string;
  @Field(() => ID) channelId!: string;
  @Field() groupKey!: string;
  @Field({ description: 'firing or resolved' }) status!: string;
  @Field(() => Int, { description: 'alerts the notification lists' }) alertCount!: number;
  @Field({ description: 'sent by testChannel' }) test!: boolean;
  @Field(() => DeliveryState) state!: DeliveryState;
  @Field(() => Int) attempts!: number;
  @Field() createdAt!: Date;
  @Field({ nullable: true, description: 'when the next attempt is due, while PENDING' }) nextAttemptAt?: Date;
  @Field({ nullable: true }) lastAttemptAt?: Date;
  @Field({ nullable: true }) deliveredAt?: Date;
  @Field({ nullable: true, description: 'why the last failed attempt failed' }) lastError?: string;
  @Field(() => Int, { nullable: true, description: 'HTTP status (or SMTP reply code) of the last attempt' }) responseStatus?: number;
  @Field(() => Int, { nullable: true, description: 'duration of the last attempt' }) durationMs?: number;
}

@ObjectType({ description: 'Where notifications go. Secrets (the webhook HMAC key, a Slack webhook URL) are never returned.' })
export class NotificationChannel {
  @Field(() => ID) id!: string;
  @Field() environment!: string;
  @Field() name!: string;
  @Field(() => ChannelKind) kind!: ChannelKind;
  @Field(() => String, { nullable: true, description: 'WEBHOOK: the URL; SLACK: only its origin (the path is the credential)' }) url?: string;
  @Field({ description: 'WEBHOOK: whether requests are signed' }) signed!: boolean;
  @Field(() => [String], { nullable: true, description: 'EMAIL recipients' }) to?: string[];
  @Field() sendResolved!: boolean;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
}

@ObjectType()
export class NotificationDeliveryEdge {
  @Field() cursor!: string;
  @Field(() => NotificationDelivery) node!: NotificationDelivery;
}

@ObjectType()
export class NotificationDeliveryConnection {
  @Field(() => [NotificationDeliveryEdge]) edges!: NotificationDeliveryEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}
