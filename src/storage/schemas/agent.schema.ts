import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { LabelDoc, LabelSchema } from './label.schema';

/** The registry entry of one agent: identity, labels, last readings and detector state. */
@Schema({ collection: 'agents', versionKey: false })
export class AgentDoc {
  @Prop({ required: true }) environment!: string;
  @Prop({ required: true }) agentId!: string;
  @Prop({ required: true }) status!: string;
  @Prop({ required: true }) statusSince!: Date;
  @Prop({ required: true }) statusReason!: string;
  @Prop({ required: true }) firstSeenAt!: Date;
  @Prop({ required: true }) lastHeartbeatAt!: Date;
  @Prop({ required: true }) intervalSeconds!: number;
  @Prop({ type: [LabelSchema], default: [] }) labels!: LabelDoc[];
  @Prop() reportedStatus?: string;
  @Prop() cpu?: number;
  @Prop() memory?: number;
  @Prop() disk?: number;
  @Prop() version?: string;
}
export const AgentSchema = SchemaFactory.createForClass(AgentDoc);
AgentSchema.index({ environment: 1, agentId: 1 }, { unique: true });
AgentSchema.index({ environment: 1, status: 1, agentId: 1 });
