import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { SchemaTypes } from 'mongoose';

/** The ledger of applied batchIds and their results, for idempotent retries. */
@Schema({ collection: 'ingest_batches', versionKey: false })
export class IngestBatchDoc {
  @Prop({ required: true }) environment!: string;
  @Prop({ required: true }) batchId!: string;
  @Prop({ required: true }) appliedAt!: Date;
  @Prop({ type: SchemaTypes.Mixed, required: true }) result!: Record<string, unknown>;
}
export const IngestBatchSchema = SchemaFactory.createForClass(IngestBatchDoc);
IngestBatchSchema.index({ environment: 1, batchId: 1 }, { unique: true });
IngestBatchSchema.index({ appliedAt: 1 });
