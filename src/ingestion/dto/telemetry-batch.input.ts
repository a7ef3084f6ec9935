import { Field, Float, ID, InputType, Int } from '@nestjs/graphql';
import { LabelInput } from '../../common/graphql/label.model';

@InputType()
export class HeartbeatInput {
  @Field(() => ID) agentId!: string;
  @Field(() => Float, { nullable: true, description: 'epoch ms; the server receive time when absent' })
  timestamp?: number | null;
  @Field(() => Int, { nullable: true, description: "the agent's configured heartbeat interval, 1..60" })
  intervalSeconds?: number | null;
  @Field(() => String, { nullable: true, description: 'the agent\'s own view: "ok", "degraded", "error"' })
  status?: string | null;
  @Field(() => [LabelInput], { nullable: true }) labels?: LabelInput[] | null;
  @Field(() => Float, { nullable: true, description: 'percent 0..100' }) cpu?: number | null;
  @Field(() => Float, { nullable: true, description: 'percent 0..100' }) memory?: number | null;
  @Field(() => Float, { nullable: true, description: 'percent 0..100' }) disk?: number | null;
  @Field(() => String, { nullable: true }) version?: string | null;
}

@InputType({ description: 'Columnar samples of one series: the fast path' })
export class SeriesInput {
  @Field(() => ID) agentId!: string;
  @Field() metric!: string;
  @Field(() => [LabelInput], { nullable: true }) labels?: LabelInput[] | null;
  @Field(() => [Float], { description: 'epoch ms, same length as values' }) timestamps!: number[];
  @Field(() => [Float]) values!: number[];
}

@InputType({ description: 'One sample in row form: convenient for small senders' })
export class SampleInput {
  @Field(() => ID) agentId!: string;
  @Field() metric!: string;
  @Field(() => Float) value!: number;
  @Field(() => Float, { nullable: true, description: 'epoch ms; the server receive time when absent' })
  timestamp?: number | null;
  @Field(() => [LabelInput], { nullable: true }) labels?: LabelInput[] | null;
}

@InputType()
export class TelemetryBatchInput {
  @Field(() => ID, { nullable: true, description: 'idempotency key: a retried batch is applied exactly once' })
  batchId?: string | null;
  @Field() environment!: string;
  @Field(() => [HeartbeatInput], { nullable: true }) heartbeats?: HeartbeatInput[] | null;
  @Field(() => [SeriesInput], { nullable: true }) series?: SeriesInput[] | null;
  @Field(() => [SampleInput], { nullable: true }) samples?: SampleInput[] | null;
}
