import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** The delivery queue: one document per (notification, channel), retried with backoff until delivered or failed. */
@Schema({ collection: 'notification_deliveries', versionKey: false })
export class NotificationDeliveryDoc {
  /** Deterministic for group notifications (group, flush, channel), so a flush replayed after a crash enqueues nothing twice. */
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ required: true }) environment!: string;
  @Prop({ required: true }) channelId!: string;
  @Prop({ required: true }) groupKey!: string;
  /** The notification (alerts, labels as name/value pairs), rendered for the channel's kind when sent. */
  @Prop({ type: Object, required: true }) message!: unknown;
  /** pending, sending, delivered or failed. */
  @Prop({ required: true }) state!: string;
  @Prop({ required: true }) attempts!: number;
  /** Attempts allowed in all: NOTIFY_MAX_ATTEMPTS, 1 for testChannel. */
  @Prop({ required: true }) maxAttempts!: number;
  @Prop({ required: true }) createdAt!: Date;
  @Prop({ required: true }) nextAttemptAt!: Date;
  /** While sending: when the attempt is considered lost (the process died) and the delivery is due again. */
  @Prop() leaseUntil?: Date;
  @Prop() lastAttemptAt?: Date;
  @Prop() deliveredAt?: Date;
  @Prop() lastError?: string;
  @Prop() responseStatus?: number;
  /** Duration of the last attempt. */
  @Prop() durationMs?: number;
}
export const NotificationDeliverySchema = SchemaFactory.createForClass(NotificationDeliveryDoc);
NotificationDeliverySchema.index({ state: 1, nextAttemptAt: 1 });
NotificationDeliverySchema.index({ environment: 1, channelId: 1, createdAt: -1, _id: -1 });
NotificationDeliverySchema.index({ environment: 1, createdAt: -1, _id: -1 });
