import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** One entry of the append-only audit log: who did what to which object, when, and its state before and after. */
@Schema({ collection: 'audit_log', versionKey: false })
export class AuditEntryDoc {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ required: true }) environment!: string;
  @Prop({ required: true }) at!: Date;
  /** The token subject. */
  @Prop({ required: true }) actor!: string;
  /** What was done, as `<object>.<verb>`, e.g. `alertRule.update`. */
  @Prop({ required: true }) action!: string;
  @Prop() targetId?: string;
  @Prop({ type: Object }) before?: unknown;
  @Prop({ type: Object }) after?: unknown;
  /** `OK`, or the error code a refused request was answered with. */
  @Prop({ required: true }) outcome!: string;
  /** The caller's address, when known. */
  @Prop() remoteAddress?: string;
}
export const AuditEntrySchema = SchemaFactory.createForClass(AuditEntryDoc);
AuditEntrySchema.index({ environment: 1, at: -1, _id: -1 });
AuditEntrySchema.index({ at: 1 });
