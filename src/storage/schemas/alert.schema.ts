import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** One alert: opened by a rule for a subject (e.g. an agent), resolved when the condition clears. */
@Schema({ collection: 'alerts', versionKey: false })
export class AlertDoc {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ required: true }) environment!: string;
  @Prop({ required: true }) ruleId!: string;
  @Prop({ required: true }) subject!: string;
  @Prop({ required: true }) severity!: string;
  @Prop({ required: true }) state!: string;
  @Prop({ required: true }) summary!: string;
  @Prop({ required: true }) startedAt!: Date;
  @Prop() resolvedAt?: Date;
  @Prop({ required: true }) updatedAt!: Date;
}
export const AlertSchema = SchemaFactory.createForClass(AlertDoc);
AlertSchema.index({ environment: 1, state: 1, startedAt: -1 });
AlertSchema.index({ environment: 1, ruleId: 1, subject: 1, state: 1 });
