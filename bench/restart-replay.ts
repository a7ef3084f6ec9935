import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IngestBodies } from './support/ingest-bodies';
import { closedLoop, HttpSender } from './support/load-driver';
import { ServerProcess } from './support/server-process';

/**
 * Restart after a crash with a full write-ahead log: the built service (default settings,
 * so a checkpoint every CHECKPOINT_INTERVAL_SECONDS = 30) takes the ingest benchmark's load
 * (10,000 agents x 10 metrics, 100 agents x 10 samples a series per request) until just
 * before its next checkpoint, is killed with SIGKILL, and is started again on the same
 * database: the time until /health/ready is the replay of everything since the last
 * checkpoint. Figures as JSON on stdout, with whether the restart met its target (the
 * crash-recovery test checks what a restart keeps, not how fast it is).
 */
const CHECKPOINT_SECONDS = 30;
const RESTART_TARGET_SECONDS = 30;
const CONCURRENCY = 8;
const log = (message: string) => process.stderr.write(`[restart-replay] ${message}\n`);

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vitals-restart-bench-'));
  const logFile = join(dataDir, 'service.log');
  const env = { DATA_DIR: dataDir };
  const bodies = new IngestBodies({
    agents: 10_000,
    metrics: 10,
    agentsPerBatch: 100,
    samplesPerSeries: 10,
    sampleIntervalMs: 100,
    labels: 0,
    environment: 'bench-restart',
    runId: `r${Date.now().toString(36)}`,
  });
  let server = await ServerProcess.start(env, { logFile });
  const bootedAt = performance.now();
  try {
    const sender = new HttpSender(server.url, server.token(['agent']), CONCURRENCY, 30_000);
    // Checkpoints run every interval from start-up: load until 1 s before the third one, so the
    // log holds nearly a whole interval (and the first checkpoints have had their turn).
    const loadSeconds = 3 * CHECKPOINT_SECONDS - 1 - (performance.now() - bootedAt) / 1000;
    log(`loading for ${loadSeconds.toFixed(0)} s, then SIGKILL`);
    const load = await closedLoop(bodies, sender, { concurrency: CONCURRENCY, seconds: loadSeconds, retries: 0 });
    server.child.kill('SIGKILL');
    await new Promise((resolve) => server.child.once('exit', resolve));
    log(`killed after ${load.acceptedSamples.toLocaleString('en-US')} acknowledged samples; restarting`);

    const restartedAt = performance.now();
    server = await ServerProcess.start(env, { logFile });
    const readySeconds = (performance.now() - restartedAt) / 1000;
    const replayed = /Replayed (\d+) log generation\(s\), (\d+) samples, in (\d+) ms/.exec(readFileSync(logFile, 'utf8'));
    const result = {
      benchmark: 'restart-replay',
      checkpointIntervalSeconds: CHECKPOINT_SECONDS,
      loadSeconds: Math.round(loadSeconds),
      acknowledgedSamples: load.acceptedSamples,
      samplesPerSecond: load.samplesPerSecond,
      replayedGenerations: replayed === null ? null : Number(replayed[1]),
      replayedSamples: replayed === null ? null : Number(replayed[2]),
      replayMs: replayed === null ? null : Number(replayed[3]),
      restartUntilReadySeconds: Math.round(readySeconds * 10) / 10,
      target: { restartSeconds: RESTART_TARGET_SECONDS, met: readySeconds < RESTART_TARGET_SECONDS },
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
