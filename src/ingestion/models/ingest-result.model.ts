import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType()
export class IngestError {
  @Field({ description: 'where in the batch, e.g. "series[3].values[17]"' }) path!: string;
  @Field() code!: string;
  @Field() message!: string;
}

@ObjectType()
export class IngestResult {
  @Field(() => ID, { nullable: true }) batchId?: string | null;
  @Field(() => Int) acceptedSamples!: number;
  @Field(() => Int) rejectedSamples!: number;
  @Field(() => Int) acceptedHeartbeats!: number;
  @Field(() => Int, { description: 'heartbeats rejected for invalid fields' }) rejectedHeartbeats!: number;
  @Field({ description: 'true when batchId was already applied; nothing applied twice' }) duplicate!: boolean;
  @Field(() => [IngestError], { description: 'one per rejected item, at most 1000' }) errors!: IngestError[];
}
