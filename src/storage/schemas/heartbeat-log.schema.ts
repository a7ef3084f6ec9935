import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { SchemaTypes } from 'mongoose';

/**
 * The heartbeats of one ingest request, appended before the request is
 * answered: one insert per request however many agents it carries (the
 * embedded server pays per document, not per byte). Replayed on start over the
 * last agent snapshot, and trimmed once a newer snapshot covers it.
 */
@Schema({ collection: 'heartbeat_log', versionKey: false })
export class HeartbeatLogDoc {
  @Prop({ required: true }) environment!: string;
  @Prop({ required: true }) receivedAt!: Date;
  @Prop({ type: [SchemaTypes.Mixed], required: true }) heartbeats!: Record<string, unknown>[];
}
export const HeartbeatLogSchema = SchemaFactory.createForClass(HeartbeatLogDoc);
HeartbeatLogSchema.index({ receivedAt: 1 });
