import { MongoClient } from 'mongodb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../test/support/seeded-random';
import { startEmbeddedFerretDb } from '../src/storage/embedded/embedded-ferretdb';
import { partsCollection } from '../src/storage/repositories/time-series.repository';
import { ServerProcess } from './support/server-process';

/**
 * Bytes per sample on disk: realistic agent metrics ingested over HTTP into the built
 * service, checkpointed into compressed parts, against one document per sample holding the
 * same samples, measured on the same database server in the same run (collStats: what the
 * server stores, document overhead and indexes included).
 *
 * Series (AGENTS agents, 10 metrics each, one sample every 10 s with scheduler jitter over
 * HOURS hours): 4 gauges with noise (cpu and load to 1 decimal, memory to 2, a latency in ms
 * to 1), 3 monotonic counters (requests, bytes, errors), 3 mostly constant values.
 * BASELINE_DOCS samples are also stored one document per sample (the per-document cost is
 * flat, so a subset gives its bytes per sample).
 */
const AGENTS = Number(process.env.AGENTS ?? 100);
const HOURS = Number(process.env.HOURS ?? 6);
const BASELINE_DOCS = Number(process.env.BASELINE_DOCS ?? 50_000);
const INTERVAL_MS = 10_000;

type Generator = (t: number, i: number) => number;

function metrics(next: () => number): Record<string, Generator> {
  let requests = Math.floor(next() * 1e6);
  let bytes = Math.floor(next() * 1e9);
  let errors = 0;
  let cpuBase = 20 + next() * 40;
  return {
    'cpu.usage': () => round((cpuBase = clamp(cpuBase + (next() - 0.5) * 2, 1, 99)) + (next() - 0.5) * 6, 1),
    'memory.used_percent': (_t, i) => round(55 + i * 0.0005 + (next() - 0.5) * 0.4, 2),
    'load.1m': () => round(0.5 + next() * 1.5, 1),
    'http.latency_ms': () => round(20 + next() * next() * 200, 1),
    'http.requests': () => (requests += Math.floor(next() * 200)),
    'net.bytes_sent': () => (bytes += Math.floor(next() * 5e5)),
    'http.errors': () => (errors += next() < 0.02 ? 1 : 0),
    'disk.total_gb': () => 512,
    'agent.threads': (_t, i) => (i % 360 < 2 ? 48 : 32),
    'config.version': (_t, i) => 7 + Math.floor(i / 2000),
  };
}

const round = (v: number, decimals: number) => Math.round(v * 10 ** decimals) / 10 ** decimals;
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vitals-storage-size-'));
  const database = await startEmbeddedFerretDb(dataDir);
  const server = await ServerProcess.start({ MONGODB_URI: database.uri, MONGODB_DB: 'sizes', CHECKPOINT_INTERVAL_SECONDS: '3600' });
  const token = server.token(['agent']);
  const random = seededRandom(20261122);
  const end = Math.floor(Date.now() / INTERVAL_MS) * INTERVAL_MS - 60_000;
  const start = end - HOURS * 3_600_000;
  const samplesPerSeries = (end - start) / INTERVAL_MS;
  const baseline: object[] = [];
  let samples = 0;
  try {
    for (let a = 0; a < AGENTS; a++) {
      const agentId = `host-${String(a).padStart(5, '0')}`;
      const series = Object.entries(metrics(random)).map(([metric, valueAt]) => {
        const timestamps: number[] = [];
        const values: number[] = [];
        for (let i = 0; i < samplesPerSeries; i++) {
          const t = start + i * INTERVAL_MS + Math.floor(random() * 40); // scheduler jitter
          timestamps.push(t);
          values.push(valueAt(t, i));
          if (baseline.length < BASELINE_DOCS && random() < 0.05)
            baseline.push({ environment: 'prod', metric, agentId, timestamp: new Date(t), value: values[i] });
        }
        return { agentId, metric, timestamps, values };
      });
      const res = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          query: 'mutation($b: TelemetryBatchInput!){ ingestBatch(batch: $b){ acceptedSamples } }',
          variables: { b: { environment: 'prod', series } },
        }),
      });
      const body = (await res.json()) as { data?: { ingestBatch: { acceptedSamples: number } } };
      samples += body.data?.ingestBatch.acceptedSamples ?? 0;
    }
    process.stderr.write(`ingested ${samples} samples; stopping the service (it checkpoints on a clean stop)\n`);
  } finally {
    await server.stop();
  }

  const client = await MongoClient.connect(database.uri);
  try {
    const db = client.db('sizes');
    const stats = async (name: string) => {
      const s = await db.command({ collStats: name });
      return { documents: s.count as number, bytes: (s.totalSize ?? s.size + (s.totalIndexSize ?? 0)) as number };
    };
    await db.collection('baseline_samples').createIndex({ environment: 1, metric: 1, agentId: 1, timestamp: 1 });
    for (let i = 0; i < baseline.length; i += 5000) await db.collection('baseline_samples').insertMany(baseline.slice(i, i + 5000));
    const raw = await stats(partsCollection('raw'));
    const minutes = await stats(partsCollection('1m'));
    const docs = await db
      .collection(partsCollection('raw'))
      .find({}, { projection: { data: 1 } })
      .toArray();
    const payload = docs.reduce((n, d) => n + (d.data as { buffer: Uint8Array }).buffer.length, 0);
    const perSample = await stats('baseline_samples');
    const result = {
      benchmark: 'storage-size',
      parameters: { agents: AGENTS, metricsPerAgent: 10, hours: HOURS, intervalMs: INTERVAL_MS, samples, database: 'embedded FerretDB 1.24 (SQLite)' },
      raw: {
        documents: raw.documents,
        bytesOnDisk: raw.bytes,
        bytesPerSampleOnDisk: round(raw.bytes / samples, 3),
        payloadBytesPerSample: round(payload / samples, 3),
      },
      rollups1m: { documents: minutes.documents, bytesOnDisk: minutes.bytes, bytesPerSampleOnDisk: round(minutes.bytes / samples, 3) },
      oneDocumentPerSample: { documents: perSample.documents, bytesPerSampleOnDisk: round(perSample.bytes / perSample.documents, 1) },
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await client.close();
    await database.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
