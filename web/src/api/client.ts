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

interface Response<R> {
  data?: R | null;
  errors?: { message: string; extensions?: { code?: string } }[];
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
    const error = body.errors?.[0];
    if (error !== undefined) {
      const code = error.extensions?.code ?? 'INTERNAL_SERVER_ERROR';
      if (code === 'UNAUTHENTICATED') this.onUnauthenticated(error.message);
      throw new ApiError(error.message, code);
    }
    return body.data!;
  }

  /** Calls `next` with every message until the returned function is called. */
  subscribe<R, V>(document: Document<R, V>, variables: V, next: (data: R) => void, onError: (error: Error) => void = console.error): () => void {
    return this.socket.subscribe<R>(
      { query: document.query, variables: variables as Record<string, unknown> },
      {
        next: (message) => (message.errors?.length ? onError(new ApiError(message.errors[0].message, 'SUBSCRIPTION')) : next(message.data as R)),
        error: (error) =>
          onError(error instanceof Error ? error : new Error(Array.isArray(error) ? String((error as { message: string }[])[0]?.message) : 'socket closed')),
        complete: () => undefined,
      },
    );
  }

  close(): void {
    void this.socket.dispose();
  }
}
