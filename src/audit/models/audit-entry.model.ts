import { Field, ID, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { PageInfo } from '../../common/graphql/page-info.model';

@ObjectType({ description: 'One change a user made, or one refused request' })
export class AuditEntry {
  @Field(() => ID) id!: string;
  @Field() environment!: string;
  @Field() at!: Date;
  @Field({ description: 'the token subject' }) actor!: string;
  @Field({ description: '<object>.<verb>, e.g. alertRule.update' }) action!: string;
  @Field(() => ID, { nullable: true }) targetId?: string;
  @Field(() => GraphQLJSON, { nullable: true, description: 'the object before the change' }) before?: unknown;
  @Field(() => GraphQLJSON, { nullable: true, description: 'the object after the change' }) after?: unknown;
  @Field({ description: 'OK, or the error code the request was refused with' }) outcome!: string;
  @Field({ nullable: true }) remoteAddress?: string;
}

@ObjectType()
export class AuditEntryEdge {
  @Field() cursor!: string;
  @Field(() => AuditEntry) node!: AuditEntry;
}

@ObjectType()
export class AuditEntryConnection {
  @Field(() => [AuditEntryEdge]) edges!: AuditEntryEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}
