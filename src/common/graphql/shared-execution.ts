import { createSourceEventStream, ExecutionArgs, ExecutionResult, execute, Kind, print } from 'graphql';

/**
 * graphql-ws `subscribe` that executes an event once for every subscription with the same
 * document and variables, instead of once per subscription, for the root fields listed: those
 * whose events are plain values built for many subscribers at once (one message object per window
 * and selector) and whose types resolve no field from the caller's context. A thousand dashboards
 * on one metric then cost one execution per window; each socket still serializes its own message.
 * Other fields are executed per subscription, as graphql-js's `subscribe` does.
 */
export function sharedSubscribe(fields: ReadonlySet<string>) {
  const results = new WeakMap<object, Map<string, Promise<ExecutionResult>>>();
  return async (args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> => {
    const source = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in source)) return source;
    const events = source[Symbol.asyncIterator]();
    const field = rootField(args);
    const key =
      field !== undefined && fields.has(field)
        ? `${args.operationName ?? ''}\u0000${print(args.document)}\u0000${JSON.stringify(args.variableValues ?? {})}`
        : undefined;
    const run = (event: unknown): Promise<ExecutionResult> => {
      if (key === undefined || typeof event !== 'object' || event === null) return Promise.resolve(execute({ ...args, rootValue: event }));
      let byKey = results.get(event);
      if (byKey === undefined) results.set(event, (byKey = new Map<string, Promise<ExecutionResult>>()));
      let result = byKey.get(key);
      if (result === undefined) byKey.set(key, (result = Promise.resolve(execute({ ...args, rootValue: event }))));
      return result;
    };
    const iterator: AsyncIterableIterator<ExecutionResult> = {
      async next() {
        const r = await events.next();
        return r.done ? { done: true, value: undefined } : { done: false, value: await run(r.value) };
      },
      async return() {
        await events.return?.();
        return { done: true, value: undefined };
      },
      async throw(error?: unknown) {
        await events.throw?.(error);
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  };
}

function rootField(args: ExecutionArgs): string | undefined {
  for (const definition of args.document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    if (args.operationName != null && definition.name?.value !== args.operationName) continue;
    const first = definition.selectionSet.selections[0];
    return definition.selectionSet.selections.length === 1 && first.kind === Kind.FIELD ? first.name.value : undefined;
  }
  return undefined;
}
