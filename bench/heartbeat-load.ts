import { graphql, percentile, ServerProcess } from './support/server-process';

/**
 * Live load: AGENTS simulated agents each send one heartbeat per second over
 * HTTP for DURATION_SECONDS, AGENTS_PER_REQUEST of them per ingestBatch (as a
 * collector or sidecar would batch them). Prints the server's CPU, memory and
 * the acknowledgement latency as JSON, and the fleet's status counts at the end
 * (all HEALTHY means no false alarms under load).
 */
const AGENTS = Number(process.env.AGENTS ?? 10_000);
const PER_REQUEST = Number(process.env.AGENTS_PER_REQUEST ?? 100);
const DURATION_SECONDS = Number(process.env.DURATION_SECONDS ?? 180);
const TICK_MS = 100;
/** The first seconds register 10,000 new agents; steady-state figures leave them out. */
const WARMUP_SECONDS = 30;

const INGEST = 'mutation($b: TelemetryBatchInput!) { ingestBatch(batch: $b) { acceptedHeartbeats errors { code } } }';
const FLEET = 'query { fleet(environment: "load", worst: 0) { total statusCounts { status count } } }';

async function main(): Promise<void> {
  const server = await ServerProcess.start();
  const agentToken = server.token(['agent']);
  const viewerToken = server.token(['viewer']);
  const latencies: number[] = [];
  const steadyLatencies: number[] = [];
  let failures = 0;
  const failureReasons = new Map<string, number>();
  const fail = (reason: string) => {
    failures++;
    failureReasons.set(reason, (failureReasons.get(reason) ?? 0) + 1);
  };
  const regions = ['eu-west', 'eu-north', 'us-east', 'us-west', 'ap-south'];
  // Agents are spread evenly over the second, in request-sized groups.
  const groups = Math.ceil(AGENTS / PER_REQUEST);
  const groupsPerTick = groups / (1000 / TICK_MS);

  let wallStart = performance.now();
  const send = async (group: number) => {
    const heartbeats = [];
    for (let i = group * PER_REQUEST; i < Math.min(AGENTS, (group + 1) * PER_REQUEST); i++) {
      heartbeats.push({ agentId: `agent-${i}`, intervalSeconds: 1, cpu: (i * 7) % 90, labels: [{ name: 'region', value: regions[i % regions.length] }] });
    }
    const started = performance.now();
    try {
      const res = await graphql(server.url, agentToken, INGEST, { b: { environment: 'load', heartbeats } });
      if (res.errors !== undefined) fail(String((res.errors as { extensions?: { code?: string } }[])[0]?.extensions?.code));
      latencies.push(performance.now() - started);
      if (started - wallStart > WARMUP_SECONDS * 1000) steadyLatencies.push(performance.now() - started);
    } catch (error) {
      fail((error as Error).message);
    }
  };

  const cpuStart = server.cpuSeconds();
  wallStart = performance.now();
  const inFlight = new Set<Promise<void>>();
  let nextGroup = 0;
  let sent = 0;
  for (let tick = 0; tick < (DURATION_SECONDS * 1000) / TICK_MS; tick++) {
    const due = Math.round((tick + 1) * groupsPerTick) - Math.round(tick * groupsPerTick);
    for (let g = 0; g < due; g++) {
      const p = send(nextGroup).finally(() => inFlight.delete(p));
      inFlight.add(p);
      nextGroup = (nextGroup + 1) % groups;
      sent++;
    }
    const nextAt = wallStart + (tick + 1) * TICK_MS;
    await new Promise((r) => setTimeout(r, Math.max(0, nextAt - performance.now())));
  }
  await Promise.all(inFlight);
  const wallSeconds = (performance.now() - wallStart) / 1000;
  const cpuEnd = server.cpuSeconds();
  const fleet = await graphql(server.url, viewerToken, FLEET, {});
  const rss = server.rssBytes();
  await server.stop();

  latencies.sort((a, b) => a - b);
  steadyLatencies.sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      benchmark: 'heartbeat-load',
      agents: AGENTS,
      agentsPerRequest: PER_REQUEST,
      durationSeconds: Math.round(wallSeconds),
      requests: sent,
      failedRequests: failures,
      failureReasons: Object.fromEntries(failureReasons),
      heartbeatsPerSecond: Math.round((latencies.length * PER_REQUEST) / wallSeconds),
      serverCpuPercent: Math.round((100 * (cpuEnd.server - cpuStart.server)) / wallSeconds),
      embeddedDatabaseCpuPercent: Math.round((100 * (cpuEnd.database - cpuStart.database)) / wallSeconds),
      serverRssMiB: Math.round(rss / 1024 / 1024),
      ackLatencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) },
      steadyAckLatencyMs: { afterSeconds: WARMUP_SECONDS, p50: percentile(steadyLatencies, 50), p99: percentile(steadyLatencies, 99) },
      fleetAtEnd: (fleet.data as { fleet: unknown } | undefined)?.fleet ?? fleet.errors,
    }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
