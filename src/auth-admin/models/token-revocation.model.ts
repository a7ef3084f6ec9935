import { Field, ID, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'A revoked token (by jti), or every token of a subject, refused until `until` (or until unrevoked)' })
export class TokenRevocation {
  @Field(() => ID, { description: '"jti:<jti>" or "sub:<subject>"' }) id!: string;
  @Field(() => ID, { nullable: true }) jti?: string;
  @Field({ nullable: true }) subject?: string;
  @Field() reason!: string;
  @Field({ description: 'the admin who revoked' }) revokedBy!: string;
  @Field() revokedAt!: Date;
  @Field({ nullable: true, description: 'refused until then; null: until unrevoked' }) until?: Date;
}
