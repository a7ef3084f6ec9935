import { ApolloServerPlugin, GraphQLRequestContextWillSendResponse, GraphQLRequestListener } from '@apollo/server';
import { Logger } from '@nestjs/common';
import { Plugin } from '@nestjs/apollo';
import { FieldNode, GraphQLFormattedError, Kind, OperationDefinitionNode, OperationTypeNode, ValueNode } from 'graphql';
import type { GqlRequest } from '../common/auth/gql-context';
import { RefusedRequests } from '../common/auth/refused-requests';
import { TokenVerifier } from '../common/auth/token-verifier';
import { Metrics } from '../common/metrics/metrics';
import { AuditRecord, AuditService } from './audit.service';

/** Codes of a request refused by access control: every one is audited. */
const REFUSALS: ReadonlySet<string> = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'RATE_LIMITED']);
/** Mutations audited only when refused: at thousands of batches a second, their successes and other errors are counted in /metrics instead. */
const HIGH_VOLUME: ReadonlySet<string> = new Set(['ingestBatch']);
/** Access entries being written at once; past it new ones are dropped and counted (vitals_audit_dropped_total), so a flood cannot grow memory. */
export const MAX_AUDIT_IN_FLIGHT = 1_000;
/** `environment` of an entry whose request named none (admins read them with auditLog(environment: "*")). */
export const NO_ENVIRONMENT = '*';

type HttpRequest = GqlRequest & { ip?: string; socket?: { remoteAddress?: string } };

/**
 * The access audit, in one place for every GraphQL request over HTTP: one entry per root field
 * of every mutation by an authenticated caller (outcome OK or the field's error code), and per
 * root field of every request refused by access control (UNAUTHENTICATED, FORBIDDEN,
 * RATE_LIMITED), with who (the token subject, or `anonymous`), what (`access.<field>`), from
 * where (the client address) and which environment and id the request named. ingestBatch is
 * audited only when refused. The `access.` prefix keeps these apart from the change entries
 * (`<object>.<verb>`, with before and after) that services write.
 */
@Plugin()
export class AccessAuditPlugin implements ApolloServerPlugin<{ req?: HttpRequest }> {
  private readonly logger = new Logger('AccessAudit');
  private inFlight = 0;

  constructor(
    private readonly audit: AuditService,
    private readonly verifier: TokenVerifier,
    private readonly metrics: Metrics,
    refused: RefusedRequests,
  ) {
    // Refused before the body was read: no operation or environment to name.
    refused.subscribe(({ code, remoteAddress }) =>
      this.write({ environment: NO_ENVIRONMENT, actor: 'anonymous', action: 'access.request', outcome: code, remoteAddress }),
    );
  }

  requestDidStart(): Promise<GraphQLRequestListener<{ req?: HttpRequest }>> {
    return Promise.resolve({ willSendResponse: (context) => Promise.resolve(this.recordAccess(context)) });
  }

  private recordAccess(context: GraphQLRequestContextWillSendResponse<{ req?: HttpRequest }>): void {
    const body = context.response.body;
    const errors: readonly GraphQLFormattedError[] = body.kind === 'single' ? (body.singleResult.errors ?? []) : [];
    const refused = errors.some((e) => REFUSALS.has(String(e.extensions?.code)));
    const mutation = context.operation?.operation === OperationTypeNode.MUTATION;
    if (!refused && !mutation) return;
    const req = context.contextValue.req;
    const actor = req?.user?.subject ?? this.subjectOf(req) ?? 'anonymous';
    const remoteAddress = req?.ip ?? req?.socket?.remoteAddress;
    const fields = context.operation === undefined ? [] : rootFields(context.operation);
    for (const field of fields.length > 0 ? fields : [undefined]) {
      const key = field?.alias?.value ?? field?.name.value;
      const error = errors.find((e) => e.path?.[0] === key) ?? errors.find((e) => e.path === undefined);
      const code = error?.extensions?.code;
      const outcome = error === undefined ? 'OK' : typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
      const name = field?.name.value ?? 'request';
      if (!REFUSALS.has(outcome) && (!mutation || HIGH_VOLUME.has(name))) continue;
      const args = field === undefined ? {} : argumentsOf(field, context.request.variables ?? {});
      this.write({ environment: args.environment ?? NO_ENVIRONMENT, actor, action: `access.${name}`, targetId: args.id, outcome, remoteAddress });
    }
  }

  /** The subject of a token the guard never looked at (the request was refused before its resolvers ran). */
  private subjectOf(req: HttpRequest | undefined): string | undefined {
    try {
      return this.verifier.principal(req?.headers.authorization).subject;
    } catch {
      return undefined;
    }
  }

  /** Off the response path; a failed write is logged and counted, never the request's failure. */
  private write(record: AuditRecord): void {
    if (this.inFlight >= MAX_AUDIT_IN_FLIGHT) {
      this.metrics.auditDropped.inc();
      return;
    }
    this.inFlight++;
    this.audit
      .record(record)
      .catch((error: Error) => {
        this.metrics.auditDropped.inc();
        this.logger.warn(`Access audit entry not written (${record.action} by ${record.actor}): ${error.message}`);
      })
      .finally(() => this.inFlight--);
  }
}

function rootFields(operation: OperationDefinitionNode): FieldNode[] {
  return operation.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD && !s.name.value.startsWith('__'));
}

/** The environment and id a field names, as literals or variables (ingestBatch's `batch.environment` too). */
function argumentsOf(field: FieldNode, variables: Record<string, unknown>): { environment?: string; id?: string } {
  const value = (node: ValueNode): unknown => {
    if (node.kind === Kind.VARIABLE) return variables[node.name.value];
    if (node.kind === Kind.STRING) return node.value;
    if (node.kind === Kind.OBJECT) return Object.fromEntries(node.fields.map((f) => [f.name.value, value(f.value)]));
    return undefined;
  };
  const out: { environment?: string; id?: string } = {};
  for (const argument of field.arguments ?? []) {
    const v = value(argument.value);
    const name = argument.name.value;
    if (name === 'environment' && typeof v === 'string') out.environment = v;
    else if (name === 'id' && typeof v === 'string') out.id = v;
    else if (name === 'batch' && typeof (v as { environment?: unknown } | undefined)?.environment === 'string')
      out.environment = (v as { environment: string }).environment;
  }
  return out;
}
