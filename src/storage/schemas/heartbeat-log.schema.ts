import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { SchemaTypes } from 'mongoose';

/**
 * The heartbeats of the ingest requests of one group commit, appended before
 * they are answered: one insert however many requests and agents it carries,
 * the entries as one JSON blob (the embedded server's cost grows with the
 * number of fields, far less with bytes). Replayed on start over the last
 * agent snapshots, and trimmed once newer snapshots cover it.
 */
@Schema({ collection: 'heartbeat_log', versionKey: false })
export class HeartbeatLogDoc {
  /** The oldest receive time in the group. */
  @Prop({ required: true }) receivedAt!: Date;
  @Prop({ type: SchemaTypes.Buffer, required: true }) entries!: Buffer;
}
export const HeartbeatLogSchema = SchemaFactory.createForClass(HeartbeatLogDoc);
HeartbeatLogSchema.index({ receivedAt: 1 });
