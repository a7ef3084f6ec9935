import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDbOutage } from '../test/support/db-outage';

/**
 * A 30 s database outage under load, twice: with the service kept running, and with the service
 * restarted 10 s into the outage. The built service runs on an embedded FerretDB that is
 * SIGKILLed and started again on the same port and files (test/support/db-outage.ts). Prints,
 * per run: time to the first UNAVAILABLE and the slowest answer during the outage, answers by
 * outcome, acknowledged vs stored batches, RSS before/during/after, and the recovery time.
 */
const OUTAGE_MS = Number(process.env.OUTAGE_SECONDS ?? 30) * 1000;
const log = (message: string) => process.stderr.write(`[db-outage] ${message}\n`);

async function main(): Promise<void> {
  const runs = [];
  for (const restartService of [false, true]) {
    const workDir = mkdtempSync(join(tmpdir(), 'vitals-outage-bench-'));
    try {
      runs.push(await runDbOutage({ workDir, outageMs: OUTAGE_MS, restartService, senders: 8, loadBeforeMs: 5_000, loadAfterMs: 5_000, log }));
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  }
  process.stdout.write(`${JSON.stringify({ benchmark: 'db-outage', outageSeconds: OUTAGE_MS / 1000, runs }, null, 2)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
