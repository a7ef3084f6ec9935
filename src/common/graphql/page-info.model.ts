import { Field, ObjectType } from '@nestjs/graphql';

/** Where a cursor-paginated list stands (Relay style): pass endCursor as `after` for the next page. */
@ObjectType()
export class PageInfo {
  @Field() hasNextPage!: boolean;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}
