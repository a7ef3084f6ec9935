import { ArgsType, Field, ID, Int } from '@nestjs/graphql';

export const MAX_AUDIT_PAGE = 500;

@ArgsType()
export class AuditLogArgs {
  @Field() environment!: string;
  @Field({ nullable: true, description: 'only this token subject' }) actor?: string;
  @Field({ nullable: true, description: 'actions starting with this, e.g. "alertRule." or "silence.create"' }) action?: string;
  @Field(() => ID, { nullable: true }) targetId?: string;
  @Field({ nullable: true }) from?: Date;
  @Field({ nullable: true }) to?: Date;
  @Field(() => Int, { nullable: true, description: `newest first, 1..${MAX_AUDIT_PAGE} (default 100)` }) first?: number;
  @Field({ nullable: true, description: 'endCursor of the previous page' }) after?: string;
}
