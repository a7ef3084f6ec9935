import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** One alert rule of an environment; `definition` is the validated rule with its defaults (the alerting module's RuleDefinition). */
@Schema({ collection: 'alert_rules', versionKey: false })
export class AlertRuleDoc {
  /** `<environment>/<ruleId>`: rule ids are unique per environment (built-in ones repeat across environments). */
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ required: true }) environment!: string;
  @Prop({ required: true }) ruleId!: string;
  @Prop({ required: true }) builtin!: boolean;
  @Prop({ type: Object, required: true }) definition!: Record<string, unknown>;
  @Prop({ required: true }) createdAt!: Date;
  @Prop({ required: true }) updatedAt!: Date;
}
export const AlertRuleSchema = SchemaFactory.createForClass(AlertRuleDoc);
AlertRuleSchema.index({ environment: 1, ruleId: 1 });
