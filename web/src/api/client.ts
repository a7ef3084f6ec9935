import { Client, createClient } from 'graphql-ws';
import type { Document } from './documents';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

type GraphQLErrors = readonly { message: string; extensions?: { code?: unknown } }[];
interface Response<R> {
  data?: R | null;
  errors?: GraphQLErrors;
}

const graphqlError = ([first]: GraphQLErrors) =>
  new ApiError(first.message, typeof first.extensions?.code === 'string' ? first.extensions.code : 'INTERNAL_SERVER_ERROR');

/** graphql-ws reports an Error, the GraphQL errors that refused the subscription, or the socket's CloseEvent. */
function subscriptionError(error: unknown): Error {
  if (error instanceof Error) return error;
  if (Array.isArray(error)) return graphqlError(error as GraphQLErrors);
  const { code, reason } = error as CloseEvent;
  return new Error(`the socket closed (${code}${reason ? `: ${reason}` : ''})`);
}

/** The service's GraphQL API as the signed-in user: HTTP for queries and mutations, one graphql-ws socket for subscriptions. */
export class Api {
  private readonly socket: Client;

  /** `onUnauthenticated`: the token was refused (expired, revoked): the page signs out. */
  constructor(
    private readonly token: string,
    private readonly onUnauthenticated: (reason: string) => void,
  ) {
    this.socket = createClient({
      url: `${location.origin.replace(/^http/, 'ws')}/graphql`,
      connectionParams: { authorization: `Bearer ${token}` },
      lazy: true,
      retryAttempts: 20,
      on: {
        closed: (event) => {
          const { code, reason } = event as CloseEvent;
          if (code === 4401 || code === 4403) onUnauthenticated(reason || `socket closed (${code})`);
        },
      },
    });
  }

  async request<R, V>(document: Document<R, V>, variables: V): Promise<R> {
    const response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
      body: JSON.stringify({ query: document.query, variables }),
    });
    const body = (await response.json()) as Response<R>;
    if (body.errors?.length) {
      const error = graphqlError(body.errors);
      if (error.code === 'UNAUTHENTICATED') this.onUnauthenticated(error.message);
      throw error;
    }
    return body.data!;
  }

  /** Calls `next` with every message until the returned function is called. */
  subscribe<R, V>(document: Document<R, V>, variables: V, next: (data: R) => void, onError: (error: Error) => void = console.error): () => void {
    return this.socket.subscribe<R>(
      { query: document.query, variables: variables as Record<string, unknown> },
      {
        next: (message) => (message.errors?.length ? onError(graphqlError(message.errors)) : next(message.data as R)),
        error: (error) => onError(subscriptionError(error)),
        complete: () => undefined,
      },
    );
  }

  close(): void {
    void this.socket.dispose();
  }
}
