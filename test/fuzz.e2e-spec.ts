import { GraphQLSchemaHost } from '@nestjs/graphql';
import {
  getNamedType,
  getNullableType,
  GraphQLField,
  GraphQLInputType,
  GraphQLObjectType,
  GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  GraphQLList,
} from 'graphql';
import { Client } from 'graphql-ws';
import WebSocket from 'ws';
import { seededRandom } from './support/seeded-random';
import { TestApp } from './support/test-app';
import { request as httpRequest } from 'node:http';

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
/** 10,000 requests in all by default; FUZZ_REQUESTS changes it (85% over HTTP). */
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 10_000);
const HTTP_REQUESTS = Math.round(REQUESTS * 0.85);
const WS_OPERATIONS = REQUESTS - HTTP_REQUESTS;

type Answer = { status: number; body: unknown };

/**
 * 10,000 generated requests against the real schema, over HTTP and WebSocket: malformed JSON,
 * bodies of the wrong shape, random text, huge and deeply nested documents, and operations on
 * every root field with random (often wrongly typed) arguments and selections. Every answer must
 * be data or errors that all carry a code other than INTERNAL_SERVER_ERROR, and the service must
 * still answer afterwards. A failure names the seed: FUZZ_SEED=<seed> replays the run.
 */
describe(`fuzz (seed ${SEED})`, () => {
  let t: TestApp;
  let schema: GraphQLSchema;
  const random = seededRandom(SEED);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  const chance = (p: number) => random() < p;
  const tokens: (string | undefined)[] = [];

  beforeAll(async () => {
    t = await TestApp.start({
      RATE_LIMIT_ADMIN_PER_SECOND: '0',
      RATE_LIMIT_VIEWER_PER_SECOND: '0',
      RATE_LIMIT_OPERATOR_PER_SECOND: '0',
      RATE_LIMIT_AGENT_PER_SECOND: '0',
      RATE_LIMIT_ANONYMOUS_PER_SECOND: '0',
      QUERY_TIMEOUT_SECONDS: '2',
    });
    schema = t.get(GraphQLSchemaHost).schema;
    tokens.push(
      t.token({ roles: ['admin'], environments: ['*'] }),
      t.token({ roles: ['admin'], environments: ['*'] }),
      t.token({ roles: ['viewer'], environments: ['prod'] }),
      t.token({ roles: ['agent'], environments: ['prod'] }),
      undefined,
    );
  });
  afterAll(() => t.stop());

  // ---- values ----------------------------------------------------------------------------------

  const strings = ['', 'prod', 'x'.repeat(300), 'a1', '\u0000', '€'.repeat(50), '2024-05-01T12:00:00.000Z', '1', 'null', '{', '${x}', '.*', '(?=a)', 'cpu'];
  const numbers = [0, -1, 1, 0.5, 1e308, -1e308, 1.7e308, 2 ** 31, -(2 ** 53), 1e-300, 59, 3600, 86_400_000];
  const wrong = (): unknown => pick<() => unknown>([() => pick(strings), () => pick(numbers), () => true, () => null, () => [], () => ({}), () => [[[[1]]]]])();

  /** A value for `type`: mostly well-typed, sometimes wrong, null or huge. */
  function valueFor(type: GraphQLInputType, depth = 0): unknown {
    if (chance(0.08)) return wrong();
    if (isNonNullType(type)) return valueFor(type.ofType, depth);
    if (chance(0.05)) return null;
    if (isListType(type)) return Array.from({ length: chance(0.02) ? 2_000 : int(4) }, () => valueFor(type.ofType, depth + 1));
    if (isEnumType(type)) return chance(0.9) ? pick(type.getValues()).name : pick(strings);
    if (isInputObjectType(type)) {
      if (depth > 4) return {};
      const out: Record<string, unknown> = {};
      for (const field of Object.values(type.getFields())) if (isNonNullType(field.type) || chance(0.5)) out[field.name] = valueFor(field.type, depth + 1);
      if (chance(0.05)) out.unknownField = 1;
      return out;
    }
    if (isScalarType(type)) {
      switch (type.name) {
        case 'Int':
          return chance(0.8) ? pick([0, 1, 5, 10, 100, 500, 1000, -1]) : pick(numbers);
        case 'Float':
          return pick(numbers) * (chance(0.5) ? 1 : random());
        case 'Boolean':
          return chance(0.5);
        case 'DateTime':
          return chance(0.8) ? new Date(t.clock.now() - int(7 * 86_400_000)).toISOString() : pick(strings);
        case 'JSON':
          return wrong();
        default:
          return pick(strings);
      }
    }
    return wrong();
  }

  // ---- operations ------------------------------------------------------------------------------

  /** `value` as a GraphQL literal, whether or not it fits `type` (names of an enum bare). */
  function literal(value: unknown, type: GraphQLInputType): string {
    const named = getNamedType(type);
    if (typeof value === 'string') return isEnumType(named) && /^[_A-Za-z]\w*$/.test(value) ? value : JSON.stringify(value);
    if (Array.isArray(value))
      return `[${value.map((v) => literal(v, isListType(getNullableType(type)) ? (getNullableType(type) as GraphQLList<GraphQLInputType>).ofType : type)).join(', ')}]`;
    if (value !== null && typeof value === 'object') {
      const fields = isInputObjectType(named) ? named.getFields() : {};
      return `{${Object.entries(value)
        .map(([k, v]) => `${k}: ${literal(v, fields[k]?.type ?? named)}`)
        .join(', ')}}`;
    }
    return String(value);
  }

  /** A selection of `type`'s fields, `depth` levels deep at most (sometimes past the depth limit). */
  function selection(type: GraphQLObjectType, depth: number, variables: Map<string, { type: GraphQLInputType; value: unknown }>): string {
    const fields = Object.values(type.getFields());
    const chosen = Array.from({ length: 1 + int(4) }, () => pick(fields));
    if (chance(0.05)) chosen.push(...Array.from({ length: 200 }, () => pick(fields)));
    return chosen.map((field, i) => `${chance(0.3) ? `f${i}: ` : ''}${fieldText(field, depth, variables)}`).join(' ');
  }

  function fieldText(field: GraphQLField<unknown, unknown>, depth: number, variables: Map<string, { type: GraphQLInputType; value: unknown }>): string {
    const args = field.args
      .filter((arg) => isNonNullType(arg.type) || chance(0.4))
      .map((arg) => {
        const value = valueFor(arg.type);
        if (chance(0.5)) {
          const name = `v${variables.size}`;
          variables.set(name, { type: chance(0.95) ? arg.type : (pick([schema.getType('String'), schema.getType('Int')]) as GraphQLInputType), value });
          return `${arg.name}: $${name}`;
        }
        return `${arg.name}: ${literal(value, arg.type)}`;
      });
    const named = getNamedType(field.type);
    const sub = isObjectType(named) ? (depth <= 0 ? ' { __typename }' : ` { ${selection(named, depth - 1, variables)} }`) : '';
    return `${field.name}${args.length > 0 ? `(${args.join(', ')})` : ''}${sub}`;
  }

  function operation(root: 'query' | 'mutation' | 'subscription'): { query: string; variables: Record<string, unknown> } {
    const type = root === 'query' ? schema.getQueryType()! : root === 'mutation' ? schema.getMutationType()! : schema.getSubscriptionType()!;
    const variables = new Map<string, { type: GraphQLInputType; value: unknown }>();
    const fields = Object.values(type.getFields());
    const count = root === 'subscription' ? 1 : 1 + int(2);
    const body = Array.from({ length: count }, (_, i) => `${count > 1 ? `r${i}: ` : ''}${fieldText(pick(fields), chance(0.1) ? 14 : int(5), variables)}`).join(
      ' ',
    );
    const declared = [...variables].map(([name, v]) => `$${name}: ${v.type.toString()}`);
    const header = declared.length > 0 ? `${root} Fuzz(${declared.join(', ')})` : root;
    return { query: `${header} { ${body} }`, variables: Object.fromEntries([...variables].map(([name, v]) => [name, v.value])) };
  }

  /** An HTTP body: usually a generated operation, otherwise something malformed or huge. */
  function httpBody(): string {
    const kind = random();
    if (kind < 0.05) return Array.from({ length: 1 + int(200) }, () => String.fromCharCode(int(128))).join('');
    if (kind < 0.1)
      return pick([
        '[]',
        '1',
        '"x"',
        'null',
        '{"query": 7}',
        '{"query": "{ agents }", "variables": "x"}',
        '{"query": null}',
        '{"variables": {}}',
        '{"query": ["a"]}',
      ]);
    if (kind < 0.12) return JSON.stringify({ query: '{'.repeat(1 + int(5_000)) + '}'.repeat(int(5_000)) });
    if (kind < 0.13) return JSON.stringify({ query: `{ ${Array.from({ length: 5_000 }, (_, i) => `a${i}: __typename`).join(' ')} }` });
    if (kind < 0.18)
      return JSON.stringify({
        query: Array.from({ length: 1 + int(300) }, () => pick(['{', '}', '(', ')', 'query', 'agents', ':', '$', '"', '...', 'on', '@', 'x', ' '])).join(''),
      });
    if (kind < 0.2) return JSON.stringify({ query: '{ __schema { types { fields { type { ofType { ofType { ofType { ofType { name } } } } } } } } }' });
    const op = operation(chance(0.7) ? 'query' : 'mutation');
    return JSON.stringify({ ...op, ...(chance(0.05) ? { operationName: 'Other' } : {}) });
  }

  // ---- checks ----------------------------------------------------------------------------------

  const failures: string[] = [];
  function check(what: string, answer: Answer): void {
    const body = answer.body as { data?: unknown; errors?: { extensions?: { code?: unknown } }[] } | undefined;
    const errors = body?.errors ?? [];
    const bad = errors.filter((e) => typeof e.extensions?.code !== 'string' || e.extensions.code === 'INTERNAL_SERVER_ERROR');
    const answered = errors.length > 0 || (body?.data !== undefined && body.data !== null);
    if (answer.status >= 500 || bad.length > 0 || !answered) {
      failures.push(`${what}\n  -> ${answer.status} ${JSON.stringify(bad.length > 0 ? bad : answer.body).slice(0, 500)}`);
    }
  }

  /**
   * One request, on a connection of its own: a huge or malformed body may make the server close its connection
   * after answering, and a pooled client would lose the next request sent on it ("other side closed"), which says
   * nothing of how the server answers that request.
   */
  function post(body: string, token: string | undefined): Promise<Answer> {
    return new Promise((resolve) => {
      const request = httpRequest(
        `${t.url}/graphql`,
        { method: 'POST', agent: false, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            try {
              resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as unknown });
            } catch {
              resolve({ status: response.statusCode ?? 0, body: text });
            }
          });
        },
      );
      request.on('error', (error) => resolve({ status: 599, body: String(error) }));
      request.end(body);
    });
  }

  it('answers every generated request over HTTP with data or a coded error', async () => {
    const bodies = Array.from({ length: HTTP_REQUESTS }, () => ({ body: httpBody(), token: pick(tokens) }));
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < bodies.length) {
          const { body, token } = bodies[next++];
          check(`HTTP ${body.slice(0, 300)}`, await post(body, token));
        }
      }),
    );
    if (failures.length > 0) throw new Error(`FUZZ_SEED=${SEED}: ${failures.length} bad answers, e.g.\n${failures.slice(0, 5).join('\n')}`);
  }, 300_000);

  it('answers every generated operation over WebSocket with data or a coded error', async () => {
    failures.length = 0; // the HTTP test's failures are its own
    const sockets: Client[] = tokens.filter((token) => token !== undefined).map((token) => t.socket(token));
    const one = (client: Client, op: { query: string; variables: Record<string, unknown> }) =>
      new Promise<void>((resolve) => {
        let settled = false;
        const done = (answer?: Answer) => {
          if (settled) return;
          settled = true;
          if (answer !== undefined) check(`WS ${op.query.slice(0, 300)} ${JSON.stringify(op.variables).slice(0, 200)}`, answer);
          unsubscribe();
          resolve();
        };
        const unsubscribe = client.subscribe(op, {
          next: (message) => done({ status: 200, body: message }),
          error: (error) =>
            done({ status: Array.isArray(error) ? 200 : 599, body: Array.isArray(error) ? { errors: error } : { closed: (error as { code?: number }).code } }),
          complete: () => done(),
        });
        // A subscription that is live says nothing until an event: it is answered, and ended here.
        setTimeout(() => done(), 300);
      });
    for (let sent = 0; sent < WS_OPERATIONS; sent += 100) {
      await Promise.all(Array.from({ length: 100 }, () => one(pick(sockets), operation(chance(0.6) ? 'subscription' : 'query'))));
    }
    // Raw frames: not JSON, not a graphql-ws message, and too big before connection_init: each closes its socket with a code.
    for (const frame of ['not json', '{"type":"nope"}', JSON.stringify({ type: 'subscribe', id: '1', payload: { query: '{' } }), 'x'.repeat(70_000)]) {
      const socket = new WebSocket(t.url.replace(/^http/, 'ws') + '/graphql', 'graphql-transport-ws');
      const code = await new Promise<number>((resolve) => {
        socket.on('open', () => socket.send(frame));
        socket.on('close', resolve);
        socket.on('error', () => undefined);
      });
      if (code < 4000 && code !== 1009) failures.push(`WS raw frame ${frame.slice(0, 50)} -> close ${code}`);
    }
    if (failures.length > 0) throw new Error(`FUZZ_SEED=${SEED}: ${failures.length} bad answers, e.g.\n${failures.slice(0, 5).join('\n')}`);
  }, 300_000);

  it('still answers after the fuzz', async () => {
    expect((await fetch(`${t.url}/health/live`)).status).toBe(200);
    const res = await t.graphql(`{ agents(environment: "prod") { totalCount } }`, {}, tokens[0]);
    expect(res.errors).toBeUndefined();
  });
});
