import { Args, Query, Resolver } from '@nestjs/graphql';
import { Requires } from '../common/auth/requires.decorator';
import { AuditService } from './audit.service';
import { AuditLogArgs } from './dto/audit-log.args';
import { AuditEntryConnection } from './models/audit-entry.model';

@Resolver()
export class AuditResolver {
  constructor(private readonly audit: AuditService) {}

  @Requires('administer')
  @Query(() => AuditEntryConnection, { description: 'changes users made (and refused requests), newest first' })
  auditLog(@Args() args: AuditLogArgs): Promise<AuditEntryConnection> {
    return this.audit.list(args);
  }
}
