import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** A silence: alerts matching it notify nobody between startsAt and endsAt. */
@Schema({ collection: 'silences', versionKey: false })
export class SilenceDoc {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ required: true }) environment!: string;
  /** Label matchers ({name, op, value}) on alert labels. */
  @Prop({ type: [Object], required: true }) matchers!: { name: string; op: string; value: string }[];
  @Prop() ruleId?: string;
  @Prop({ required: true }) startsAt!: Date;
  @Prop({ required: true }) endsAt!: Date;
  @Prop({ required: true }) createdBy!: string;
  @Prop({ required: true }) comment!: string;
  @Prop({ required: true }) createdAt!: Date;
  @Prop({ required: true }) updatedAt!: Date;
}
export const SilenceSchema = SchemaFactory.createForClass(SilenceDoc);
SilenceSchema.index({ environment: 1, endsAt: 1 });

/** An inhibition rule (Alertmanager's inhibit_rules): a firing source alert mutes matching targets with equal labels. */
@Schema({ collection: 'inhibition_rules', versionKey: false })
export class InhibitionRuleDoc {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ required: true }) environment!: string;
  @Prop({ type: [Object], required: true }) sourceMatchers!: { name: string; op: string; value: string }[];
  @Prop({ type: [Object], required: true }) targetMatchers!: { name: string; op: string; value: string }[];
  @Prop({ type: [String], required: true }) equal!: string[];
  @Prop() comment?: string;
  @Prop({ required: true }) createdBy!: string;
  @Prop({ required: true }) createdAt!: Date;
}
export const InhibitionRuleSchema = SchemaFactory.createForClass(InhibitionRuleDoc);
InhibitionRuleSchema.index({ environment: 1 });
