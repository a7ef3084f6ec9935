import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { ALERT_NOTIFIER, AlertNotifier, AlertSnapshot } from '../src/alerting/notifications/alert-snapshot';
import { AlertNotifierService } from '../src/alerting/notifications/alert-notifier.service';
import { ChannelsService } from '../src/alerting/notifications/channels.service';
import { DeliveryDispatcher } from '../src/alerting/notifications/delivery-dispatcher';
import { ChannelKind } from '../src/alerting/notifications/models/notification-channel.model';
import { Severity } from '../src/alerting/models/alert.model';
import { ManualClock } from '../src/common/clock/clock';
import { loadConfig } from '../src/common/config/app-config';
import { HttpReceiver } from '../test/support/http-receiver';
import { listenInProcess } from '../test/support/in-process-app';
import { envNumber } from './support/env';
import { percentile } from './support/server-process';
import { benchDatabase } from './support/bench-database';

/**
 * What alert notifications cost the alert lifecycle, and whether a hanging channel holds anything up.
 * BENCH_RULES rules x BENCH_ALERTS_PER_RULE alerts fire (one group per rule), each rule notifying a healthy
 * webhook and one that never answers (NOTIFY_TIMEOUT_SECONDS=BENCH_TIMEOUT_SECONDS):
 *   alertChangedFiring   latency of notifier.alertChanged (what evaluation waits for): p50/p99/max ms
 *   flush                one pass after the group wait: ms to enqueue every group's deliveries and start them, and ms until
 *                        the healthy receiver has every message while the hanging one holds its NOTIFY_CONCURRENCY_PER_CHANNEL slots
 *   alertChangedResolved alertChanged latency again while the hanging attempts are in flight
 * The service runs in this process on the embedded FerretDB (or MONGODB_URI, a new database dropped at the end).
 */
const RULES = envNumber('BENCH_RULES', 200, { positive: true });
const PER_RULE = envNumber('BENCH_ALERTS_PER_RULE', 10, { positive: true });
const TIMEOUT_SECONDS = envNumber('BENCH_TIMEOUT_SECONDS', 5, { positive: true });

const log = (message: string) => process.stderr.write(`[bench:notifications] ${message}\n`);
const stats = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 100) / 100;
  return { count: sorted.length, p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), max: round(sorted.at(-1) ?? NaN) };
};

async function main(): Promise<void> {
  const { uri, dbName, close } = await benchDatabase('notify', log);
  const receiver = await HttpReceiver.start();
  receiver.hang('/hang');
  const clock = new ManualClock(Date.now());
  const config = loadConfig({
    NODE_ENV: 'production',
    MONGODB_URI: uri,
    MONGODB_DB: dbName,
    JWT_SECRET: 'bench-notifications-secret-0123',
    NOTIFY_DISPATCH_INTERVAL_MS: '60000',
    NOTIFY_TIMEOUT_SECONDS: String(TIMEOUT_SECONDS),
  });
  const { app } = await listenInProcess(config, clock, ['error']);
  try {
    const channels = app.get(ChannelsService);
    const healthy = await channels.create(
      'bench',
      { name: 'healthy', kind: ChannelKind.WEBHOOK, url: `${receiver.url}/ok`, secret: 'bench-secret-0123456789' },
      'bench',
    );
    const hanging = await channels.create('bench', { name: 'hanging', kind: ChannelKind.WEBHOOK, url: `${receiver.url}/hang` }, 'bench');
    const notifier = app.get<AlertNotifier>(ALERT_NOTIFIER);
    const snapshot = (rule: number, i: number, state: AlertSnapshot['state']): AlertSnapshot => ({
      id: `alert-${rule}-${i}`,
      environment: 'bench',
      ruleId: `rule-${rule}`,
      ruleName: `Rule ${rule}`,
      severity: Severity.CRITICAL,
      state,
      subject: `agent-${i}`,
      labels: { alertname: `Rule ${rule}`, severity: 'CRITICAL', environment: 'bench', agent: `agent-${i}`, region: 'eu' },
      annotations: { summary: `agent-${i} is slow` },
      startsAt: new Date(clock.now()),
      channelIds: [healthy.id, hanging.id],
      policy: { groupBy: ['region'], groupWaitSeconds: 30, groupIntervalSeconds: 300, repeatIntervalSeconds: 14_400, escalations: [] },
    });
    const timeChanges = async (state: AlertSnapshot['state']) => {
      const samples: number[] = [];
      for (let i = 0; i < PER_RULE; i++) {
        for (let rule = 0; rule < RULES; rule++) {
          const started = performance.now();
          await notifier.alertChanged(snapshot(rule, i, state));
          samples.push(performance.now() - started);
        }
      }
      return stats(samples);
    };

    log(`${RULES * PER_RULE} alerts firing in ${RULES} groups`);
    const alertChangedFiring = await timeChanges('FIRING');
    clock.advance(30_000);
    const passStarted = performance.now();
    await app.get(AlertNotifierService).dispatchDue();
    const passMs = performance.now() - passStarted;
    // A freed slot starts the channel's next due delivery: no further pass needed.
    await receiver.waitForRequests('/ok', RULES, 120_000);
    const healthyDeliveredMs = performance.now() - passStarted;
    const hangingInFlight = receiver.on('/hang').length;
    const alertChangedResolved = await timeChanges('RESOLVED');
    await app.get(DeliveryDispatcher).settle();
    const result = {
      benchmark: 'notifications',
      rules: RULES,
      alertsPerRule: PER_RULE,
      timeoutSeconds: TIMEOUT_SECONDS,
      alertChangedFiring,
      flush: { firstPassMs: Math.round(passMs), healthyAllDeliveredMs: Math.round(healthyDeliveredMs), messages: receiver.on('/ok').length, hangingInFlight },
      alertChangedResolved,
      hangingTimedOutBeforeHealthyDone: healthyDeliveredMs >= TIMEOUT_SECONDS * 1000,
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await app.close();
    await receiver.stop();
    await close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
