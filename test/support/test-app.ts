import { INestApplication } from '@nestjs/common';
import { PubSub } from 'graphql-subscriptions';
import { Client, createClient } from 'graphql-ws';
import { sign } from 'jsonwebtoken';
import { createConnection } from 'mongoose';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { TokenClaims } from '../../src/common/auth/principal';
import { ManualClock } from '../../src/common/clock/clock';
import { AppConfig, loadConfig } from '../../src/common/config/app-config';
import { Metrics } from '../../src/common/metrics/metrics';
import { AgentStatus } from '../../src/heartbeat/agent-status';
import { healthTopic } from '../../src/heartbeat/agent-state';
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
 * Its in-process PubSub (what the service uses without REDIS_URL) runs on an
 * event emitter the tests can see, to know when a subscription is live.
 */
export class TestApp {
  private readonly sockets: Client[] = [];

  private constructor(
    readonly app: INestApplication,
    readonly clock: ManualClock,
    readonly url: string,
    private readonly pubSub: PubSub,
    private readonly events: EventEmitter,
  ) {}

  /** `now`: where the manual clock starts (a restart continues from the clock it stopped at). */
  static async start(env: Record<string, string> = {}, now = Date.now()): Promise<TestApp> {
    const clock = new ManualClock(now);
    const config = loadConfig({
      NODE_ENV: 'test',
      MONGODB_URI: process.env.VITALS_TEST_MONGODB_URI,
      MONGODB_DB: `vitals_test_${randomBytes(4).toString('hex')}`,
      JWT_SECRET: TEST_SECRET,
      HEARTBEAT_SWEEP_INTERVAL_MS: '60000', // tests sweep explicitly, after moving the clock
      // Every test token of a role shares one subject: rate limits are off unless a test sets them.
      RATE_LIMIT_AGENT_PER_SECOND: '0',
      RATE_LIMIT_VIEWER_PER_SECOND: '0',
      RATE_LIMIT_OPERATOR_PER_SECOND: '0',
      RATE_LIMIT_ADMIN_PER_SECOND: '0',
      ...env,
    });
    const events = new EventEmitter();
    const pubSub = new PubSub({ eventEmitter: events });
    // With REDIS_URL the service's own Redis pub/sub runs (instances share through it); listening() then sees nothing.
    const { app, url } = await listenInProcess(config, clock, ['error'], config.REDIS_URL === undefined ? pubSub : undefined);
    return new TestApp(app, clock, url, pubSub, events);
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

  /**
   * Waits until `count` subscriptions listen on `topic` (e.g. healthTopic('prod')) in the server.
   * A socket's `connected` is not enough: the server starts the subscription after it, and an
   * ingest sent over HTTP meanwhile could be published before anyone listens.
   */
  listening(topic: string, count = 1): Promise<void> {
    return waitFor(() => this.events.listenerCount(topic) >= count, `${count} subscription(s) on ${topic}`);
  }

  /** Subscriptions listening in the server now, on any topic. */
  get listenersTotal(): number {
    return this.events.eventNames().reduce((n, name) => n + this.events.listenerCount(name), 0);
  }

  /**
   * Every message `subscription` (to agentHealthChanged in `environment`, selecting `status`) received up to now:
   * publishes a marker change (status UNKNOWN, which no real change has; `agentId` must pass the subscription's
   * filter) and returns the messages before it. Changes are published before a sweep or an ingest returns, and one
   * subscription delivers in order, so nothing caused so far can arrive after these.
   */
  async healthSoFar<T extends { agentHealthChanged: { status: string } }>(subscription: Subscription<T>, environment: string, agentId = 'test-marker') {
    const at = new Date(this.clock.now());
    const marker = { environment, agentId, previousStatus: AgentStatus.UNKNOWN, status: AgentStatus.UNKNOWN, at, reason: 'test marker' };
    await this.pubSub.publish(healthTopic(environment), { agentHealthChanged: marker });
    return subscription.until((message) => message.data?.agentHealthChanged.status === AgentStatus.UNKNOWN);
  }

  /** Subscriptions streaming now, of any field (vitals_subscriptions_active: counted once graphql-ws has the subscription's iterator). */
  async activeSubscriptions(): Promise<number> {
    const { values } = await this.get(Metrics).subscriptions.get();
    return values.reduce((n, v) => n + v.value, 0);
  }

  /** Subscriptions listening on `topic` in the server now. */
  listeners(topic: string): number {
    return this.events.listenerCount(topic);
  }

  /** The database this app uses, to start another app on the same data. */
  get database(): string {
    return this.get(AppConfig).MONGODB_DB;
  }

  async stop(options: { keepDatabase?: boolean } = {}): Promise<void> {
    await Promise.all(this.sockets.map((s) => Promise.resolve(s.dispose())));
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
        error: (error) =>
          this.push({
            status: 0,
            errors: Array.isArray(error)
              ? error
              : [{ message: String((error as Error).message ?? error), extensions: { code: `CLOSED_${(error as { code?: number }).code ?? ''}` } }],
          }),
        complete: () => {
          this.done = true;
          this.wake();
        },
      },
    );
  }

  async next(timeoutMs = 5_000): Promise<GraphQLResponse<T>> {
    await this.arrival(() => this.messages.length > 0, 'a subscription message', timeoutMs);
    return this.messages.shift() as GraphQLResponse<T>;
  }

  /** Waits for the message `isMarker` picks; takes it and every message before it off the queue, and returns those before it. */
  async until(isMarker: (message: GraphQLResponse<T>) => boolean, timeoutMs = 5_000): Promise<GraphQLResponse<T>[]> {
    await this.arrival(() => this.messages.some(isMarker), 'the awaited subscription message', timeoutMs);
    const at = this.messages.findIndex(isMarker);
    return this.messages.splice(0, at + 1).slice(0, at);
  }

  private async arrival(arrived: () => boolean, what: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!arrived()) {
      if (this.done) throw new Error(`subscription ended without ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
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

/** Polls `condition` until it holds; fails after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const INGEST = `mutation Ingest($batch: TelemetryBatchInput!) {
  ingestBatch(batch: $batch) { batchId acceptedSamples rejectedSamples acceptedHeartbeats rejectedHeartbeats duplicate errors { path code message } }
}`;

export const TRENDS = `query Trends($environment: String!, $metric: String!, $from: DateTime!, $to: DateTime!, $stepSeconds: Int, $agentIds: [ID!]) {
  trends(environment: $environment, metric: $metric, from: $from, to: $to, stepSeconds: $stepSeconds, agentIds: $agentIds) {
    metric stepSeconds resolution series { agentId metric points { timestamp count avg min max sum } }
  }
}`;
