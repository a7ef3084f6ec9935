import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** A notification channel of an environment: where alert notifications go. `secret` never leaves the service. */
@Schema({ collection: 'notification_channels', versionKey: false })
export class NotificationChannelDoc {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ required: true }) environment!: string;
  @Prop({ required: true }) name!: string;
  /** WEBHOOK, SLACK or EMAIL. */
  @Prop({ required: true }) kind!: string;
  @Prop() url?: string;
  /** WEBHOOK: the HMAC-SHA256 key of the signature header. */
  @Prop() secret?: string;
  @Prop({ type: [String] }) to?: string[];
  @Prop({ required: true }) sendResolved!: boolean;
  @Prop({ required: true }) createdAt!: Date;
  @Prop({ required: true }) updatedAt!: Date;
}
export const NotificationChannelSchema = SchemaFactory.createForClass(NotificationChannelDoc);
NotificationChannelSchema.index({ environment: 1, name: 1 });
