import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** A notification group's routing state (its alerts and what each channel was told), so a restart neither re-notifies nor loses a flush. */
@Schema({ collection: 'notification_groups', versionKey: false })
export class NotificationGroupDoc {
  /** A hash of the group key (environment, rule, groupBy values). */
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ required: true }) environment!: string;
  @Prop({ required: true }) nextFlushAt!: Date;
  /** Bumped by every write; writes compare it, so concurrent writers (several instances) never lose each other's changes. */
  @Prop({ required: true }) version!: number;
  /** The router's state (alerts with labels as name/value pairs, receivers). */
  @Prop({ type: Object, required: true }) state!: unknown;
}
export const NotificationGroupSchema = SchemaFactory.createForClass(NotificationGroupDoc);
NotificationGroupSchema.index({ nextFlushAt: 1 });
NotificationGroupSchema.index({ environment: 1 });
