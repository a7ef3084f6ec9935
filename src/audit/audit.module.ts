import { Module } from '@nestjs/common';
import { AccessAuditPlugin } from './access-audit.plugin';
import { AuditResolver } from './audit.resolver';
import { AuditService } from './audit.service';

/** The append-only audit log of user changes and of access (mutations and refused requests), and the admin query over it. */
@Module({
  providers: [AuditService, AuditResolver, AccessAuditPlugin],
  exports: [AuditService],
})
export class AuditModule {}
