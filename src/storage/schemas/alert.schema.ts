import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** One change of an alert's state, with the value that caused it. */
export interface AlertTransitionDoc {
  state: string;
  at: Date;
  value?: number;
  summary: string;
}

/**
 * One alert: a rule's condition on one subject (a series, an agent or a group), from the first
 * breach (PENDING, or FIRING directly) until it resolves; one open alert per rule and subject.
 */
@Schema({ collection: 'alerts', versionKey: false })
export class AlertDoc {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ required: true }) environment!: string;
  @Prop({ required: true }) ruleId!: string;
  @Prop() ruleName?: string;
  @Prop({ required: true }) subject!: string;
  @Prop({ required: true }) severity!: string;
  @Prop({ required: true }) state!: string;
  @Prop({ required: true }) summary!: string;
  @Prop({ type: Object }) labels?: Record<string, string>;
  @Prop() value?: number;
  /** When the breach began. */
  @Prop({ required: true }) startedAt!: Date;
  @Prop() firedAt?: Date;
  @Prop() resolvedAt?: Date;
  /** While FIRING and the condition has cleared: since when (keepFiringFor survives a restart). */
  @Prop() clearedSince?: Date;
  @Prop({ required: true }) updatedAt!: Date;
  @Prop() acknowledgedAt?: Date;
  @Prop() acknowledgedBy?: string;
  @Prop() acknowledgeComment?: string;
  @Prop({ type: [Object] }) history?: AlertTransitionDoc[];
}
export const AlertSchema = SchemaFactory.createForClass(AlertDoc);
AlertSchema.index({ environment: 1, startedAt: -1, _id: -1 });
AlertSchema.index({ environment: 1, ruleId: 1, subject: 1, state: 1 });
AlertSchema.index({ state: 1 });
