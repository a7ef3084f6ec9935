import { buildSchema, parse, validate } from 'graphql';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { LiveAggregatesService } from '../src/dashboard/live/live-aggregates.service';
import { AgentRegistry } from '../src/heartbeat/agent-registry';
import { healthTopic } from '../src/heartbeat/agent-state';
import { AgentStatus } from '../src/heartbeat/agent-status';
import { alertTopic } from '../src/alerting/alerting.service';
import { DOCUMENTS } from '../web/src/api/documents';
import { INGEST, TestApp, waitFor } from './support/test-app';

const SEC = 1000;
const AGENTS = [
  ...['web-1', 'web-2', 'web-3', 'web-4'].map((id, i) => ({ id, region: 'eu-west', zone: i % 2 ? 'b' : 'a', cpu: 30 + 5 * i })),
  ...['api-1', 'api-2', 'api-3'].map((id, i) => ({ id, region: 'us-east', zone: 'a', cpu: 50 + 4 * i })),
  { id: 'db-1', region: 'us-east', zone: 'b', cpu: 85 },
];
/** Runs in the page (whose CSP refuses string evaluation; the test has no DOM types): does the chart's `attribute` exceed `min`? */
type InPage = { document: { querySelector(selector: string): { getAttribute(name: string): string | null } | null } };
const chartExceeds = ({ attribute, min }: { attribute: string; min: number }) =>
  Number((globalThis as unknown as InPage).document.querySelector('.chart')?.getAttribute(attribute)) > min;
/** `npm run screenshots` sets this: the views are saved there as PNG. */
const SCREENSHOTS = process.env.SCREENSHOTS;

/**
 * The dashboard and GraphiQL in headless Chromium (Debian's, driven by playwright-core) against the
 * whole service on a real port, with the test moving the service's clock: sign in, fleet counts
 * and agents, an agent going DOWN live (fleetHealth), the chart gaining a closed live window and the
 * top offenders a live ranking, per-group lines live by groupBy, acknowledging and silencing the
 * alert that fired, the agent's page, and GraphiQL; no request may leave localhost.
 */
describe('web dashboard in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let operator: string;
  let agentToken: string;
  const external: string[] = [];
  const problems: string[] = [];

  const ingest = async (at: number, downAgents: string[] = []) => {
    const live = AGENTS.filter((a) => !downAgents.includes(a.id));
    const res = await t.graphql<{ ingestBatch: { errors: unknown[] } }>(
      INGEST,
      {
        batch: {
          environment: 'prod',
          heartbeats: live.map((a) => ({
            agentId: a.id,
            timestamp: at,
            intervalSeconds: 1,
            cpu: a.cpu,
            memory: 40,
            disk: 55,
            status: 'ok',
            labels: [
              { name: 'region', value: a.region },
              { name: 'zone', value: a.zone },
            ],
          })),
          samples: live.map((a) => ({ agentId: a.id, metric: 'cpu', timestamp: at, value: a.cpu + 10 * Math.sin(at / 20_000 + a.cpu) })),
        },
      },
      agentToken,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.ingestBatch.errors).toEqual([]);
  };
  const shoot = async (name: string) => {
    if (SCREENSHOTS === undefined) return;
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  };
  const text = (selector: string) => page.locator(selector).first().textContent();

  beforeAll(async () => {
    t = await TestApp.start();
    operator = t.token({ sub: 'olivia', roles: ['operator'], environments: ['prod'] });
    agentToken = t.token({ roles: ['agent'], environments: ['prod'] });
    // Five minutes of history on whole 5 s steps, the last 40 s of it every second (the detector has
    // learnt the agents' 1 s rhythm before they go live), then the agents are live.
    const start = Math.floor(t.clock.now() / (5 * SEC)) * 5 * SEC;
    for (let at = start - 300 * SEC; at <= start; at += at < start - 40 * SEC ? 5 * SEC : SEC) {
      t.clock.set(at);
      await ingest(at);
    }
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(10_000); // within the test's own timeout, so that a failure names what it waited for
    page.on('request', (request) => {
      if (!request.url().startsWith(t.url) && !request.url().startsWith(t.url.replace(/^http/, 'ws'))) external.push(request.url());
    });
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('response', (response) => response.status() >= 400 && problems.push(`${response.status()} ${response.url()}`));
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it("sends only operations the service's schema validates", () => {
    const schema = buildSchema(readFileSync(join(__dirname, '..', 'schema.gql'), 'utf8'));
    for (const [name, document] of Object.entries(DOCUMENTS)) {
      expect([name, validate(schema, parse(document.query)).map((e) => e.message)]).toEqual([name, []]);
    }
  });

  it('serves the page publicly with a strict Content-Security-Policy, and keeps the API behind the token', async () => {
    const dashboard = await fetch(`${t.url}/dashboard/`);
    expect(dashboard.status).toBe(200);
    expect(dashboard.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(dashboard.headers.get('x-frame-options')).toBe('DENY');
    expect(await fetch(`${t.url}/graphql`, { headers: { accept: 'text/html' } }).then((r) => r.status)).toBe(200);
    expect(await fetch(`${t.url}/graphql`, { headers: { accept: 'application/json' } }).then((r) => r.status)).toBe(401);
  });

  it('signs in, shows the fleet, turns an agent DOWN live, and gains live points on the chart, per group too', async () => {
    await page.goto(`${t.url}/dashboard/`);
    await page.fill('textarea[name=token]', operator);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-status=TOTAL]:text-is("8")');
    expect(await text('[data-status=HEALTHY]')).toBe('8');
    expect(await page.locator('table.agents tbody tr').count()).toBe(8);
    // Sorting and filtering by label are done in the page.
    await page.click('th button:text("Agent")');
    await page.waitForSelector('table.agents tbody tr:first-child[data-agent="api-1"]');
    await page.click('th button:text("Agent")');
    await page.waitForSelector('table.agents tbody tr:first-child[data-agent="web-4"]');
    await page.click('th button:text("Status")');
    await page.fill('input[aria-label="label filter"]', 'region=us-east');
    await page.locator('table.agents tbody tr').nth(4).waitFor({ state: 'detached' });
    expect(await page.locator('table.agents tbody tr').count()).toBe(4);
    await page.fill('input[aria-label="label filter"]', '');

    // The chart has drawn the trend (the fleet's avg and p95), and the page listens for health changes, live windows and rankings.
    await page.waitForFunction(chartExceeds, { attribute: 'data-points', min: 100 });
    await page.waitForSelector('.chart .u-legend :text("fleet p95")');
    const before = Number(await page.locator('.chart').getAttribute('data-latest'));
    await t.listening(healthTopic('prod')); // fleetHealth's
    const live = t.get(LiveAggregatesService);
    await waitFor(() => live.activeWatches() >= 2, 'the chart and the top offenders subscribed');
    await page.waitForSelector('.top li');
    expect(await text('.top li a')).toBe('db-1');

    // db-1 stops; the others keep sending every second until the detector calls it DOWN.
    let down = false;
    for (let i = 0; i < 120 && !down; i++) {
      t.clock.advance(SEC);
      await ingest(t.clock.now(), ['db-1']);
      down = (await t.get(AgentRegistry).sweep()).some((c) => c.agentId === 'db-1' && c.status === AgentStatus.DOWN);
    }
    expect(down).toBe(true);
    for (let i = 0; i < 5; i++) {
      t.clock.advance(SEC);
      await ingest(t.clock.now(), ['db-1']);
    }
    await page.waitForSelector('tr[data-agent="db-1"] .status-DOWN');
    expect(await text('[data-status=DOWN]')).toBe('1');
    expect(await text('[data-status=HEALTHY]')).toBe('7');

    live.tick();
    await page.waitForFunction(chartExceeds, { attribute: 'data-latest', min: before });
    // The ranking of a window that closed after db-1 stopped.
    await page.locator('.top li a', { hasText: 'db-1' }).waitFor({ state: 'detached' });
    expect(await page.locator('.top li').count()).toBe(5);

    // One line per region, kept live by one liveAggregates subscription with groupBy.
    const subscribe = jest.spyOn(live, 'subscribe');
    await page.selectOption('select[aria-label="group by"]', 'region');
    await page.waitForSelector('.chart .u-legend :text("eu-west")');
    await waitFor(() => subscribe.mock.calls.some(([args]) => args.groupBy?.join() === 'region'), 'the chart subscribed by region');
    subscribe.mockRestore();
    // The first window that opens after the subscription, closed: complete, and no trend step had it.
    const firstWhole = (Math.floor(t.clock.now() / (5 * SEC)) + 1) * 5 * SEC;
    while (t.clock.now() < firstWhole + 8 * SEC) {
      t.clock.advance(SEC);
      await ingest(t.clock.now(), ['db-1']);
    }
    live.tick();
    await page.waitForFunction(chartExceeds, { attribute: 'data-latest', min: firstWhole - 1 });
    expect(await page.locator('.chart .u-legend .u-series').count()).toBe(3); // time, eu-west, us-east
    await shoot('fleet-overview');
  });

  it('acknowledges and silences the alert that fired', async () => {
    await page.click('a[href="#/alerts"]');
    const alert = page.locator('li[data-alert]', { hasText: 'db-1' });
    await alert.waitFor();
    await shoot('alert-feed');
    await t.listening(alertTopic('prod'));
    await alert.locator('button:text("Acknowledge")').click();
    await alert.locator('.acked').waitFor();
    const alerts = await t.graphql<{ alerts: { edges: { node: { subject: string; acknowledgedBy: string } }[] } }>(
      `{ alerts(environment: "prod", state: [FIRING]) { edges { node { subject acknowledgedBy } } } }`,
      {},
      operator,
    );
    expect(alerts.data?.alerts.edges.map((e) => e.node)).toEqual([{ subject: 'db-1', acknowledgedBy: 'olivia' }]);

    await alert.locator('button:text("Silence 1 h")').click();
    await alert.locator('.silenced').waitFor();
    const res = await t.graphql<{ silences: { createdBy: string; ruleId: string; matchers: { name: string; value: string }[] }[] }>(
      `{ silences(environment: "prod", state: [ACTIVE]) { createdBy ruleId matchers { name value } } }`,
      {},
      operator,
    );
    const silences = res.data!.silences;
    expect(silences).toMatchObject([{ createdBy: 'olivia', ruleId: 'builtin:agent-down' }]);
    expect(silences[0].matchers).toContainEqual({ name: 'agent', value: 'db-1' });
  });

  it("shows an agent's page with its uptime, incidents and health advice", async () => {
    await page.click('a[href="#/"]');
    await page.click('tr[data-agent="db-1"] a');
    await page.waitForSelector('.availability');
    expect(await text('.incidents tbody tr')).toMatch(/DOWN.*ongoing/);
    expect(await page.locator('.recommendations li').count()).toBeGreaterThan(0);
    await shoot('agent-page');
  });

  it('serves GraphiQL at /graphql, sending the signed-in token for the schema, queries and subscriptions', async () => {
    const introspection = page.waitForResponse((r) => r.url().endsWith('/graphql') && r.request().postData()?.includes('IntrospectionQuery') === true);
    await page.goto(`${t.url}/graphql`);
    await page.waitForSelector('.graphiql-container .monaco-editor');
    expect((await introspection).status()).toBe(200);
    await page.click('.graphiql-execute-button');
    await page.waitForSelector('.graphiql-response :text("totalCount")');
    // Monaco lays text out with no-break spaces.
    expect(await page.locator('.graphiql-response').innerText()).toMatch(/"totalCount":\s8,/);
    await shoot('graphiql');

    // A subscription streams over graphql-ws with the same token: db-1 comes back. (The dashboard's own subscriptions ended with its page.)
    await waitFor(() => t.listeners(healthTopic('prod')) === 0, 'the dashboard to unsubscribe');
    await page.click('.graphiql-query-editor .monaco-editor');
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText('subscription Watch { agentHealthChanged(environment: "prod") { agentId status } }');
    await page.waitForSelector('.graphiql-tab :text("Watch")'); // GraphiQL has taken the edit in
    await page.click('.graphiql-execute-button');
    await t.listening(healthTopic('prod'));
    await ingest(t.clock.now());
    await t.get(AgentRegistry).sweep();
    await page.waitForSelector('.graphiql-response :text("HEALTHY")');
    expect(await page.locator('.graphiql-response').innerText()).toMatch(/"agentId":\s"db-1"/);
    expect(external).toEqual([]);
    expect(problems).toEqual([]);
  });
});
