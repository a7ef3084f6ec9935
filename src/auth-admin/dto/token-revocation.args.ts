import { ArgsType, Field, ID } from '@nestjs/graphql';

export const MAX_REVOCATION_REASON = 500;

/** Exactly one of `jti` and `subject`. */
@ArgsType()
export class TokenSelectorArgs {
  @Field(() => ID, { nullable: true, description: 'the token id (its `jti` claim)' }) jti?: string;
  @Field({ nullable: true, description: 'every token of this subject (its `sub` claim)' }) subject?: string;
}

@ArgsType()
export class RevokeTokenArgs extends TokenSelectorArgs {
  @Field({ description: `why, 1..${MAX_REVOCATION_REASON} characters` }) reason!: string;
  @Field({ nullable: true, description: "refused until then (e.g. the token's exp); absent: until unrevoked" }) until?: Date;
}
