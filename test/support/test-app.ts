import { INestApplication } from '@nestjs/common';
import { Client, createClient } from 'graphql-ws';
import { sign } from 'jsonwebtoken';
import { createConnection } from 'mongoose';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { TokenClaims } from '../../src/common/auth/principal';
import { ManualClock } from '../../src/common/clock/clock';
import { AppConfig, loadConfig } from '../../src/common/config/app-config';
import { listenInProcess } from './in-process-app';

export const TEST_SECRET = 'vitals-test-secret-0123456789';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: { code?: string } & Record<string, unknown> }[];
}

/**
 * The whole service in this process on a free port, with its own database on
 * the suite's server and a ManualClock, reached over real HTTP and WebSocket.
 */
export class TestApp {
  private readonly sockets: Client[] = [];

  private constructor(
    readonly app: INestApplication,
    readonly clock: ManualClock,
    readonly url: string,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<TestApp> {
    const clock = new ManualClock(Date.now());
    const config = loadConfig({
      NODE_ENV: 'test',
      MONGODB_URI: process.env.VITALS_TEST_MONGODB_URI,
      MONGODB_DB: `vitals_test_${randomBytes(4).toString('hex')}`,
      JWT_SECRET: TEST_SECRET,
      HEARTBEAT_SWEEP_INTERVAL_MS: '60000', // tests sweep explicitly, after moving the clock
      ...env,
    });
    const { app, url } = await listenInProcess(config, clock, ['error']);
    return new TestApp(app, clock, url);
  }

  get<T>(token: abstract new (...args: never[]) => T): T {
    return this.app.get(token as never);
  }

  token(claims: Partial<TokenClaims> & Pick<TokenClaims, 'roles' | 'environments'>): string {
    return sign({ sub: 'test-user', ...claims }, TEST_SECRET, { algorithm: 'HS256', expiresIn: '1h' });
  }

  async graphql<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<GraphQLResponse<T>> {
    const response = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, ...((await response.json()) as object) };
  }

  /** Opens a graphql-ws socket; `connectionParams` carries the token as API.md says. */
  socket(token?: string, onClosed?: (code: number) => void): Client {
    const client = createClient({
      url: this.url.replace(/^http/, 'ws') + '/graphql',
      webSocketImpl: WebSocket,
      connectionParams: token ? { authorization: `Bearer ${token}` } : {},
      retryAttempts: 0,
      lazy: true,
      on: { closed: (event) => onClosed?.((event as { code: number }).code) },
    });
    this.sockets.push(client);
    return client;
  }

  /** Subscribes and collects every message; `next()` waits for the next one. */
  subscribe<T = Record<string, unknown>>(query: string, variables: Record<string, unknown>, token?: string): Subscription<T> {
    return new Subscription<T>(this.socket(token), query, variables);
  }

  /** The database this app uses, to start another app on the same data. */
  get database(): string {
    return this.get(AppConfig).MONGODB_DB;
  }

  async stop(options: { keepDatabase?: boolean } = {}): Promise<void> {
    await Promise.all(this.sockets.map((s) => s.dispose()));
    const uri = this.get(AppConfig).MONGODB_URI;
    await this.app.close();
    if (options.keepDatabase || uri === undefined) return;
    const connection = await createConnection(uri, { dbName: this.database }).asPromise();
    await connection.dropDatabase();
    await connection.close();
  }
}

export class Subscription<T> {
  readonly messages: GraphQLResponse<T>[] = [];
  private waiters: (() => void)[] = [];
  done = false;

  constructor(
    private readonly client: Client,
    query: string,
    variables: Record<string, unknown>,
  ) {
    client.subscribe<T>(
      { query, variables },
      {
        next: (message) => this.push({ status: 200, ...(message as object) }),
        error: (error) => this.push({ status: 0, errors: Array.isArray(error) ? error : [{ message: String((error as Error).message ?? error), extensions: { code: `CLOSED_${(error as { code?: number }).code ?? ''}` } }] }),
        complete: () => {
          this.done = true;
          this.wake();
        },
      },
    );
  }

  async next(timeoutMs = 5_000): Promise<GraphQLResponse<T>> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length === 0) {
      if (this.done) throw new Error('subscription ended without a message');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no subscription message within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.messages.shift() as GraphQLResponse<T>;
  }

  private push(message: GraphQLResponse<T>): void {
    this.messages.push(message);
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((w) => w());
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const INGEST = `mutation Ingest($batch: TelemetryBatchInput!) {
  ingestBatch(batch: $batch) { batchId acceptedSamples rejectedSamples acceptedHeartbeats rejectedHeartbeats duplicate errors { path code message } }
}`;

export const TRENDS = `query Trends($environment: String!, $metric: String!, $from: DateTime!, $to: DateTime!, $stepSeconds: Int, $agentIds: [ID!]) {
  trends(environment: $environment, metric: $metric, from: $from, to: $to, stepSeconds: $stepSeconds, agentIds: $agentIds) {
    metric stepSeconds resolution series { agentId metric points { timestamp count avg min max sum } }
  }
}`;
