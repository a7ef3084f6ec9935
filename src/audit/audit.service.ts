import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock, CLOCK } from '../common/clock/clock';
import { definedFields } from '../common/objects/defined-fields';
import { decodeCursor, encodeCursor } from '../common/pagination/cursor';
import { AuditRepository } from '../storage/repositories/audit.repository';
import { AuditEntryDoc } from '../storage/schemas/audit-entry.schema';
import { InvalidAuditQuery } from './audit.errors';
import { AuditLogArgs, MAX_AUDIT_PAGE } from './dto/audit-log.args';
import { AuditEntry, AuditEntryConnection } from './models/audit-entry.model';

/** A change to record: who did what to which object, with the object before and after (absent when created or deleted). */
export interface AuditRecord {
  environment: string;
  actor: string;
  action: string;
  targetId?: string;
  before?: unknown;
  after?: unknown;
  outcome?: string;
  remoteAddress?: string;
}

/** The append-only audit log: written by every change users make, read by admins. */
@Injectable()
export class AuditService {
  constructor(
    private readonly entries: AuditRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async record(record: AuditRecord): Promise<void> {
    await this.entries.insert({ _id: randomUUID(), at: new Date(this.clock.now()), outcome: 'OK', ...definedFields(record) });
  }

  async list(args: AuditLogArgs): Promise<AuditEntryConnection> {
    const first = args.first ?? 100;
    if (!Number.isInteger(first) || first < 1 || first > MAX_AUDIT_PAGE) throw new InvalidAuditQuery(`first must be 1..${MAX_AUDIT_PAGE}`, 'first');
    const before = args.after == null ? undefined : decodeCursor(args.after);
    if (args.after != null && before === undefined) throw new InvalidAuditQuery('after is not a cursor from this API', 'after');
    const docs = await this.entries.list(
      { environment: args.environment, actor: args.actor, actionPrefix: args.action, targetId: args.targetId, from: args.from, to: args.to, before },
      first + 1,
    );
    const page = docs.slice(0, first);
    const edges = page.map((doc) => ({ cursor: encodeCursor({ at: doc.at, id: doc._id }), node: toEntry(doc) }));
    return { edges, pageInfo: { hasNextPage: docs.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
  }
}

function toEntry(doc: AuditEntryDoc): AuditEntry {
  const { _id, ...rest } = doc;
  return { id: _id, ...rest };
}
