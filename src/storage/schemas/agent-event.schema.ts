import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** One status change of one agent: the history that uptime is computed from. */
@Schema({ collection: 'agent_events', versionKey: false })
export class AgentEventDoc {
  @Prop({ required: true }) environment!: string;
  @Prop({ required: true }) agentId!: string;
  @Prop({ required: true }) previousStatus!: string;
  @Prop({ required: true }) status!: string;
  @Prop({ required: true }) at!: Date;
  @Prop({ required: true }) reason!: string;
  /** The label group of a partition, e.g. "region=eu-west". */
  @Prop() group?: string;
}
export const AgentEventSchema = SchemaFactory.createForClass(AgentEventDoc);
AgentEventSchema.index({ environment: 1, agentId: 1, at: 1 });
AgentEventSchema.index({ at: 1 });
