import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { SchemaTypes } from 'mongoose';

/**
 * The registry state of one shard of one environment's agents, replaced as a
 * whole by _id: a few large writes per snapshot instead of one upsert per
 * heartbeat. The agents are one JSON blob, for the embedded server's sake (its
 * cost grows with the number of fields).
 */
@Schema({ collection: 'agent_snapshots', versionKey: false })
export class AgentSnapshotDoc {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ required: true }) environment!: string;
  @Prop({ required: true }) shard!: number;
  @Prop({ required: true }) takenAt!: Date;
  @Prop({ type: SchemaTypes.Buffer, required: true }) agents!: Buffer;
}
export const AgentSnapshotSchema = SchemaFactory.createForClass(AgentSnapshotDoc);
