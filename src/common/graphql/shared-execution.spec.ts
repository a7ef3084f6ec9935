import { ExecutionResult, GraphQLInt, GraphQLObjectType, GraphQLSchema, GraphQLString, parse } from 'graphql';
import { sharedSubscribe } from './shared-execution';

describe('sharedSubscribe', () => {
  let executions = 0;
  const Tick = new GraphQLObjectType({
    name: 'Tick',
    fields: {
      n: { type: GraphQLInt },
      label: {
        type: GraphQLString,
        args: { prefix: { type: GraphQLString } },
        resolve: (t: { n: number }, a: { prefix?: string }) => (executions++, `${a.prefix ?? ''}${t.n}`),
      },
    },
  });
  const events: { n: number }[] = [{ n: 1 }, { n: 2 }];
  const stream = () =>
    (async function* () {
      for (const e of events) yield await Promise.resolve(e);
    })();
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { x: { type: GraphQLInt } } }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: {
        shared: { type: Tick, subscribe: stream, resolve: (e: unknown) => e },
        own: { type: Tick, subscribe: stream, resolve: (e: unknown) => e },
      },
    }),
  });
  const subscribe = sharedSubscribe(new Set(['shared']));
  const run = async (query: string, variableValues?: Record<string, unknown>) => {
    const results = (await subscribe({ schema, document: parse(query), variableValues })) as AsyncIterableIterator<ExecutionResult>;
    const out: unknown[] = [];
    for await (const r of results) out.push(r.data);
    return out;
  };

  beforeEach(() => (executions = 0));

  it('executes an event once for every subscription with the same document and variables', async () => {
    const q = 'subscription($p: String) { shared { n label(prefix: $p) } }';
    const [a, b] = await Promise.all([run(q, { p: '#' }), run(q, { p: '#' })]);
    expect(a).toEqual([{ shared: { n: 1, label: '#1' } }, { shared: { n: 2, label: '#2' } }]);
    expect(b).toEqual(a);
    expect(executions).toBe(2);
    const c = await run(q, { p: '@' });
    expect(c).toEqual([{ shared: { n: 1, label: '@1' } }, { shared: { n: 2, label: '@2' } }]);
    expect(executions).toBe(4);
  });

  it('executes per subscription for the other fields, and answers subscribe errors as results', async () => {
    await Promise.all([run('subscription { own { label } }'), run('subscription { own { label } }')]);
    expect(executions).toBe(4);
    expect(await subscribe({ schema, document: parse('subscription { nope }') })).toMatchObject({ errors: [expect.anything()] });
  });
});
