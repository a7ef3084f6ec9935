import { GraphQLSchemaHost } from '@nestjs/graphql';
import {
  getNamedType,
  GraphQLField,
  GraphQLInputType,
  GraphQLObjectType,
  GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isScalarType,
} from 'graphql';
import { GraphQLResponse, Subscription, TestApp, waitFor } from './support/test-app';

/**
 * The role matrix of API.md, operation by operation: every operation of the schema x every
 * role x an environment the token holds and one it does not, queries and mutations over HTTP,
 * subscriptions over WebSocket. Each operation is called with a minimal document generated from
 * the schema (its required arguments, `{ __typename }` as the selection); a case is allowed when
 * the answer carries no FORBIDDEN or UNAUTHENTICATED error (a BAD_USER_INPUT or NOT_FOUND on the
 * dummy arguments still means the guard let it through), refused when it carries FORBIDDEN.
 */

type Role = 'agent' | 'viewer' | 'operator' | 'admin';
type Permission = 'ingest' | 'read' | 'operate' | 'administer';
const ROLES: Role[] = ['agent', 'viewer', 'operator', 'admin'];

/** API.md, "Transport and auth": agent only ingests; viewer queries and subscribes; operator is viewer plus alert handling; admin is everything. */
const HOLDERS: Record<Permission, Role[]> = {
  ingest: ['agent', 'admin'],
  read: ['viewer', 'operator', 'admin'],
  operate: ['operator', 'admin'],
  administer: ['admin'],
};

/**
 * The permission each operation needs. A new operation fails this test until it has a line
 * here: `operate` for alert handling (rules, acknowledgements, silences, channels), `read` for
 * queries and subscriptions, `administer` for what only admins may do. `args` overrides the
 * generated value of an argument where a dummy would not reach the guard.
 */
const EXPECTATIONS: Record<string, Permission | { permission: Permission; args?: Record<string, unknown> }> = {
  // Query
  agent: 'read',
  agents: 'read',
  alerts: 'read',
  fleet: 'read',
  labelNames: 'read',
  labelValues: 'read',
  metrics: 'read',
  topSeries: 'read',
  trends: 'read',
  uptime: 'read',
  alert: 'read',
  alertRule: 'read',
  alertRules: 'read',
  previewAlertRule: 'read',
  notificationChannel: 'read',
  notificationChannels: 'read',
  notificationDeliveries: 'read',
  silences: 'read',
  inhibitionRules: 'read',
  auditLog: 'administer',
  revokedTokens: 'administer',
  // Mutation
  ingestBatch: 'ingest',
  // Alert handling: operators and admins
  acknowledgeAlert: 'operate',
  createAlertRule: 'operate',
  updateAlertRule: 'operate',
  deleteAlertRule: 'operate',
  createNotificationChannel: 'operate',
  updateNotificationChannel: 'operate',
  deleteNotificationChannel: 'operate',
  testChannel: 'operate',
  createSilence: 'operate',
  expireSilence: 'operate',
  createInhibitionRule: 'operate',
  deleteInhibitionRule: 'operate',
  revokeToken: 'administer',
  unrevokeToken: 'administer',
  // Subscription
  agentHealthChanged: 'read',
  alertEvents: 'read',
  liveAggregates: 'read',
  fleetHealth: 'read',
  // topSeries (the subscription) shares the query's name and expectation above.
};

const OWN = 'env-own';
const OTHER = 'env-other';

interface Operation {
  kind: 'query' | 'mutation' | 'subscription';
  name: string;
  permission: Permission;
  /** Names an environment (an argument, or one inside an input such as batch.environment); else it concerns every environment. */
  scoped: boolean;
  document: string;
  variables: (environment: string) => Record<string, unknown>;
}

describe('authorization: every operation x every role x own/other environment', () => {
  let t: TestApp;
  let operations: Operation[];

  beforeAll(async () => {
    t = await TestApp.start();
    operations = operationsOf(t.get(GraphQLSchemaHost).schema);
  });
  afterAll(() => t.stop());

  it('has an expectation for every operation in the schema, and none for an operation it lacks', () => {
    const names = new Set(operations.map((o) => o.name));
    for (const name of names) if (!(name in EXPECTATIONS)) throw new Error(`operation ${name} has no expectation: add its permission to EXPECTATIONS`);
    for (const name of Object.keys(EXPECTATIONS)) if (!names.has(name)) throw new Error(`EXPECTATIONS names ${name}, which is no operation of the schema`);
  });

  /** The token of a role for a case: for an operation that names no environment, "own" means a token for every one ("*"). */
  const tokenFor = (role: Role, operation: Operation, own: boolean) =>
    t.token({ sub: `${role}-user`, roles: [role], environments: operation.scoped || !own ? [OWN] : ['*'] });
  const expected = (role: Role, operation: Operation, own: boolean) => (HOLDERS[operation.permission].includes(role) && own ? 'allowed' : 'FORBIDDEN');

  it('answers queries and mutations over HTTP as the matrix says', async () => {
    const wrong: string[] = [];
    for (const operation of operations.filter((o) => o.kind !== 'subscription')) {
      for (const role of ROLES) {
        for (const own of [true, false]) {
          const res = await t.graphql(operation.document, operation.variables(own ? OWN : OTHER), tokenFor(role, operation, own));
          const got = outcome(res);
          if (got !== expected(role, operation, own))
            wrong.push(`${operation.name} as ${role} (${own ? 'own' : 'other'} environment): expected ${expected(role, operation, own)}, got ${got}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('answers subscriptions over WebSocket as the matrix says', async () => {
    const wrong: string[] = [];
    const idle = await t.activeSubscriptions();
    for (const operation of operations.filter((o) => o.kind === 'subscription')) {
      for (const role of ROLES) {
        for (const own of [true, false]) {
          const socket = t.socket(tokenFor(role, operation, own));
          const sub = new Subscription<Record<string, unknown>>(socket, operation.document, operation.variables(own ? OWN : OTHER));
          // Allowed: the server streams the subscription; refused: the first message is the error.
          const first = await Promise.race([
            waitFor(async () => (await t.activeSubscriptions()) > idle, `${operation.name} to stream`).then(() => undefined),
            sub.next(),
          ]);
          const got = first === undefined ? 'allowed' : outcome(first);
          await socket.dispose();
          await waitFor(async () => (await t.activeSubscriptions()) === idle, 'the subscription to end');
          if (got !== expected(role, operation, own))
            wrong.push(`${operation.name} as ${role} (${own ? 'own' : 'other'} environment): expected ${expected(role, operation, own)}, got ${got}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});

/** "allowed", or the refusal code (FORBIDDEN, UNAUTHENTICATED), or a validation failure, which means the generated document is wrong. */
function outcome(res: GraphQLResponse): string {
  for (const error of res.errors ?? []) {
    const code = error.extensions?.code;
    if (code === 'FORBIDDEN' || code === 'UNAUTHENTICATED') return code;
    if (error.extensions?.reason === 'GRAPHQL_VALIDATION_FAILED' || code === 'GRAPHQL_VALIDATION_FAILED') return `an invalid document (${error.message})`;
  }
  return 'allowed';
}

function operationsOf(schema: GraphQLSchema): Operation[] {
  const roots: [Operation['kind'], GraphQLObjectType | null | undefined][] = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
    ['subscription', schema.getSubscriptionType()],
  ];
  return roots.flatMap(([kind, type]) => Object.values(type?.getFields() ?? {}).map((field) => operationOf(kind, field)));
}

function operationOf(kind: Operation['kind'], field: GraphQLField<unknown, unknown>): Operation {
  const expectation = EXPECTATIONS[field.name] ?? 'read';
  const { permission, args: overrides = {} } = typeof expectation === 'string' ? { permission: expectation } : expectation;
  const required = field.args.filter((a) => (isNonNullType(a.type) && a.defaultValue === undefined) || a.name in overrides);
  const definitions = required.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  const callArgs = required.map((a) => `${a.name}: $${a.name}`).join(', ');
  const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
  const document = `${kind} Probe${definitions ? `(${definitions})` : ''} { ${field.name}${callArgs ? `(${callArgs})` : ''}${selection} }`;
  let scoped = false;
  const variables = (environment: string) => {
    const values: Record<string, unknown> = {};
    for (const a of required) values[a.name] = a.name in overrides ? overrides[a.name] : dummy(a.type, a.name, environment, () => (scoped = true));
    return values;
  };
  variables(OWN);
  return { kind, name: field.name, permission, scoped, document, variables };
}

/** A value of `type` that coerces: required input fields only, one item per list, `environment` where an environment goes. */
function dummy(type: GraphQLInputType, name: string, environment: string, namesEnvironment: () => void): unknown {
  if (isNonNullType(type)) return dummy(type.ofType, name, environment, namesEnvironment);
  if (isListType(type)) return [dummy(type.ofType, name, environment, namesEnvironment)];
  if (isEnumType(type)) return type.getValues()[0].name;
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields()).filter((f) => isNonNullType(f.type) && f.defaultValue === undefined);
    return Object.fromEntries(fields.map((f) => [f.name, dummy(f.type, f.name, environment, namesEnvironment)]));
  }
  if (name === 'environment') {
    namesEnvironment();
    return environment;
  }
  if (!isScalarType(type)) throw new Error(`no dummy value for ${String(type)}`);
  const values: Record<string, unknown> = { Int: 1, Float: 1, Boolean: false, ID: 'x', String: 'x', DateTime: new Date().toISOString() };
  if (!(type.name in values)) throw new Error(`no dummy value for the scalar ${type.name}: add one in test/authorization.e2e-spec.ts`);
  return values[type.name];
}
