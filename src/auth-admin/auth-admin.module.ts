import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { TokenRevocationResolver } from './token-revocation.resolver';
import { TokenRevocationService } from './token-revocation.service';

/** What admins manage about access: the token revocation list, which fills the TokenVerifier's RevokedTokens (common/auth). */
@Module({
  imports: [AuditModule],
  providers: [TokenRevocationService, TokenRevocationResolver],
})
export class AuthAdminModule {}
