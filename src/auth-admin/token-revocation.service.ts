import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Principal } from '../common/auth/principal';
import { RevokedTokens } from '../common/auth/revoked-tokens';
import { Clock, CLOCK } from '../common/clock/clock';
import { AppConfig } from '../common/config/app-config';
import { AuditService } from '../audit/audit.service';
import { TokenRevocationRepository } from '../storage/repositories/token-revocation.repository';
import { TokenRevocationDoc } from '../storage/schemas/token-revocation.schema';
import { InvalidRevocation } from './auth-admin.errors';
import { MAX_REVOCATION_REASON, RevokeTokenArgs, TokenSelectorArgs } from './dto/token-revocation.args';
import { TokenRevocation } from './models/token-revocation.model';

/** Revocations concern every environment; their audit entries are filed under this one. */
export const AUDIT_ENVIRONMENT = '*';

/**
 * The token revocation list: stored in MongoDB, managed by admins, and held in memory by the
 * TokenVerifier's RevokedTokens. A revocation takes effect at once on the instance that
 * records it, and on every other instance at its next refresh, every
 * TOKEN_REVOCATION_REFRESH_SECONDS (each refresh also closes sockets whose token has expired).
 */
@Injectable()
export class TokenRevocationService implements OnModuleInit {
  private readonly logger = new Logger(TokenRevocationService.name);
  /** Counts local changes, so a refresh that read the list before one does not undo it. */
  private changes = 0;

  constructor(
    private readonly repository: TokenRevocationRepository,
    private readonly revoked: RevokedTokens,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.refresh();
    this.scheduler.addInterval(
      'token-revocations',
      setInterval(
        () => void this.refresh().catch((error: Error) => this.logger.warn(`Revocation list refresh failed, will retry: ${error.message}`)),
        this.config.TOKEN_REVOCATION_REFRESH_SECONDS * 1000,
      ),
    );
  }

  /** Reloads the list from the database (what other instances revoked). */
  async refresh(): Promise<void> {
    const seen = this.changes;
    const docs = await this.repository.active(new Date(this.clock.now()));
    if (seen === this.changes) this.revoked.replace(docs.map(toRevocation));
  }

  list(): Promise<TokenRevocation[]> {
    return this.repository.active(new Date(this.clock.now())).then((docs) => docs.map(toModel));
  }

  async revoke(args: RevokeTokenArgs, admin: Principal): Promise<TokenRevocation> {
    const id = selectorId(args);
    const reason = args.reason.trim();
    if (reason.length === 0 || reason.length > MAX_REVOCATION_REASON)
      throw new InvalidRevocation(`reason must be 1..${MAX_REVOCATION_REASON} characters`, 'reason');
    const now = this.clock.now();
    if (args.until != null && args.until.getTime() <= now) throw new InvalidRevocation('until must be in the future', 'until');
    const doc: TokenRevocationDoc = { _id: id, reason, revokedBy: admin.subject, revokedAt: new Date(now) };
    if (args.jti != null) doc.jti = args.jti;
    if (args.subject != null) doc.subject = args.subject;
    if (args.until != null) doc.until = args.until;
    const before = await this.repository.put(doc);
    this.changes++;
    this.revoked.add(toRevocation(doc));
    await this.audit.record({
      environment: AUDIT_ENVIRONMENT,
      actor: admin.subject,
      action: 'token.revoke',
      targetId: id,
      before: before ?? undefined,
      after: doc,
    });
    return toModel(doc);
  }

  /** Lifts a revocation; false when there was none. */
  async unrevoke(args: TokenSelectorArgs, admin: Principal): Promise<boolean> {
    const id = selectorId(args);
    const before = await this.repository.remove(id);
    this.changes++;
    this.revoked.remove({ jti: args.jti ?? undefined, subject: args.subject ?? undefined });
    if (before !== null) await this.audit.record({ environment: AUDIT_ENVIRONMENT, actor: admin.subject, action: 'token.unrevoke', targetId: id, before });
    return before !== null;
  }
}

function selectorId({ jti, subject }: TokenSelectorArgs): string {
  const given = [jti, subject].filter((v) => v != null);
  if (given.length !== 1) throw new InvalidRevocation('give exactly one of jti and subject', jti == null ? 'subject' : 'jti');
  if (given[0].length === 0) throw new InvalidRevocation('must not be empty', jti != null ? 'jti' : 'subject');
  return jti != null ? `jti:${jti}` : `sub:${subject}`;
}

const toRevocation = (doc: TokenRevocationDoc) => ({ jti: doc.jti, subject: doc.subject, until: doc.until?.getTime() });

function toModel(doc: TokenRevocationDoc): TokenRevocation {
  const { _id, ...rest } = doc;
  return { id: _id, ...rest };
}
