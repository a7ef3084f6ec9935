import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { LabelDoc, LabelSchema } from './label.schema';

/**
 * The samples of one series from one ingested item: parallel arrays of
 * timestamps (epoch ms) and values. The _id is derived from the batchId and the
 * item's position, so a retried batch rewrites nothing.
 */
@Schema({ collection: 'sample_blocks', versionKey: false })
export class SampleBlockDoc {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ required: true }) environment!: string;
  @Prop({ required: true }) metric!: string;
  @Prop({ required: true }) agentId!: string;
  @Prop({ type: [LabelSchema], default: [] }) labels!: LabelDoc[];
  @Prop({ required: true }) start!: Date;
  @Prop({ required: true }) end!: Date;
  @Prop({ type: [Number], required: true }) t!: number[];
  @Prop({ type: [Number], required: true }) v!: number[];
}
export const SampleBlockSchema = SchemaFactory.createForClass(SampleBlockDoc);
SampleBlockSchema.index({ environment: 1, metric: 1, agentId: 1, start: 1 });
SampleBlockSchema.index({ end: 1 });
