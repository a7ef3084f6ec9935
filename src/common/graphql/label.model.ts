import { Field, InputType, ObjectType } from '@nestjs/graphql';

@InputType()
export class LabelInput {
  @Field() name!: string;
  @Field() value!: string;
}

@ObjectType()
export class Label {
  @Field() name!: string;
  @Field() value!: string;
}
