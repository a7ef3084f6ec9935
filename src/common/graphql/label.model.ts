import { Field, InputType, ObjectType } from '@nestjs/graphql';
import type { Label as EngineLabel } from '../labels/label';

@InputType()
export class LabelInput implements EngineLabel {
  @Field() name!: string;
  @Field() value!: string;
}

@ObjectType()
export class Label implements EngineLabel {
  @Field() name!: string;
  @Field() value!: string;
}
