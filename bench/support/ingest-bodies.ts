import { seededRandom } from '../../test/support/seeded-random';

/**
 * Cheap, realistic ingestBatch request bodies for the ingest load benchmark.
 *
 * The fleet is split into relays (a collector or sidecar forwarding the samples
 * of `agentsPerBatch` agents); each request carries one batch of one relay:
 * every metric of each of its agents, `samplesPerSeries` samples per series.
 * A relay has at most one batch in flight, and each batch continues the previous
 * one in time, so samples arrive in order per series.
 *
 * Nothing is formatted per sample while the load runs. Values come from pools of
 * pre-formatted JSON arrays ("windows" of samplesPerSeries values), built once:
 * consecutive windows of a pool continue each other, and a series walks its pool
 * one window per batch from its own offset. Per batch only the timestamps are
 * formatted, once per phase class (agents of a class share a scrape phase).
 *
 * Each relay owns one body Buffer, reused for all its batches (it has one batch
 * in flight at a time). The body has a fixed layout: the batchId, the series
 * identities and the `"values":` keys are written once; per batch only each
 * series' timestamps slot (fixed width: 13-digit epoch ms) and values slot (as
 * wide as the widest window of its walk, padded with JSON whitespace) are
 * overwritten: two copies per series, no allocation. The pools, the per-batch
 * timestamps scratch and every relay body share one arena Buffer, so each copy
 * is a copyWithin between numeric offsets (no per-window objects to chase).
 */

export interface BodyOptions {
  agents: number;
  metrics: number;
  agentsPerBatch: number;
  samplesPerSeries: number;
  /** Nominal interval between two samples of a series. */
  sampleIntervalMs: number;
  /** Labels per series (region, zone, ...); 0 for none. */
  labels: number;
  environment: string;
  /** Distinguishes the batchIds of separate runs and targets. */
  runId: string;
}

export interface BuiltBatch {
  /** ASCII JSON. */
  body: Buffer;
  samples: number;
  batchId: string;
}

/** The value shape of one metric. */
type Kind = 'gauge-percent' | 'gauge-load' | 'counter' | 'steady-percent' | 'steady-count' | 'constant';

interface MetricSpec {
  name: string;
  kind: Kind;
}

const METRICS: MetricSpec[] = [
  { name: 'cpu.usage_percent', kind: 'gauge-percent' },
  { name: 'memory.used_percent', kind: 'gauge-percent' },
  { name: 'load.avg1', kind: 'gauge-load' },
  { name: 'net.rx_bytes_total', kind: 'counter' },
  { name: 'net.tx_bytes_total', kind: 'counter' },
  { name: 'disk.io_ops_total', kind: 'counter' },
  { name: 'http.requests_total', kind: 'counter' },
  { name: 'disk.used_percent', kind: 'steady-percent' },
  { name: 'process.count', kind: 'steady-count' },
  { name: 'up', kind: 'constant' },
];

const LABEL_NAMES = ['region', 'zone', 'cluster', 'os', 'version', 'team', 'tier', 'rack'];
const REGIONS = ['eu-west', 'eu-north', 'us-east', 'us-west', 'ap-south'];

/** Distinct walks per pool (series are spread over them) and windows per walk. */
const WALKS_PER_POOL = 16;
const WINDOWS_PER_WALK = 512;
/** Scrape phases within an interval; agents of a relay are spread over them. */
const PHASE_CLASSES = 8;
/** Sample timing jitter in ms, repeating pattern. */
const JITTER = [0, 1, 0, 2, 1, 0, 0, 1, 3, 0, 1, 0, 2, 0, 1, 1, 0];

/** Starting point of sample time, behind the wall clock. */
const START_LAG_MS = 5 * 60_000;
/** A relay whose samples fell this far behind the wall clock skips ahead (a gap, as after an agent restart). */
const MAX_LAG_MS = 60 * 60_000;
/** The service takes samples up to 10 minutes ahead; relays never run further ahead than this. */
export const MAX_AHEAD_MS = 9 * 60_000;

/**
 * One walk of value windows: WINDOWS_PER_WALK windows, each the JSON array of
 * `samples` values followed by the "}" that closes the series object, padded
 * with spaces to the width of the widest one; window k is at k * width in text.
 */
interface Walk {
  text: string;
  width: number;
  /** Where the text is in the arena, once it is laid out. */
  at: number;
}

function buildPool(kind: Kind, samples: number, seed: number): Walk[] {
  const rnd = seededRandom(seed);
  const pool: Walk[] = [];
  const length = WINDOWS_PER_WALK * samples;
  for (let w = 0; w < WALKS_PER_POOL; w++) {
    const values = new Array<string>(length);
    if (kind === 'gauge-percent') {
      // A level, a slow periodic swing (closing over the walk) and noise, 0..100, one decimal.
      const level = 10 + rnd() * 60;
      const swing = 2 + rnd() * 15;
      for (let i = 0; i < length; i++) {
        const v = level + swing * Math.sin((2 * Math.PI * i) / length) + (rnd() - 0.5) * 4;
        values[i] = String(Math.round(Math.min(100, Math.max(0, v)) * 10) / 10);
      }
    } else if (kind === 'gauge-load') {
      // Mean-reverting random walk, two decimals.
      const mean = 0.2 + rnd() * 3;
      let v = mean;
      for (let i = 0; i < length; i++) {
        v += (mean - v) * 0.05 + (rnd() - 0.5) * 0.2;
        if (v < 0) v = 0;
        values[i] = String(Math.round(v * 100) / 100);
      }
    } else if (kind === 'counter') {
      // Monotonic integer counter with bursty increments; wraps (a counter reset) only after a whole walk.
      let v = Math.floor(rnd() * 1e9);
      const rate = 1 + Math.floor(rnd() * 50_000);
      for (let i = 0; i < length; i++) {
        v += Math.floor(rate * (0.5 + rnd()) * (rnd() < 0.05 ? 4 : 1));
        values[i] = String(v);
      }
    } else if (kind === 'steady-percent') {
      // Creeps now and then (disk usage), two decimals.
      let v = Math.round((20 + rnd() * 60) * 100) / 100;
      for (let i = 0; i < length; i++) {
        if (rnd() < 0.01) v = Math.min(100, Math.max(0, Math.round((v + (rnd() - 0.3) * 0.1) * 100) / 100));
        values[i] = String(v);
      }
    } else if (kind === 'steady-count') {
      // An integer that steps by one now and then (process count).
      let v = 50 + Math.floor(rnd() * 300);
      for (let i = 0; i < length; i++) {
        if (rnd() < 0.01) v += rnd() < 0.5 ? -1 : 1;
        values[i] = String(v);
      }
    } else {
      values.fill('1');
    }
    const texts: string[] = [];
    for (let k = 0; k < WINDOWS_PER_WALK; k++) texts.push(`[${values.slice(k * samples, (k + 1) * samples).join(',')}]}`);
    const width = Math.max(...texts.map((t) => t.length));
    pool.push({ text: texts.map((t) => t.padEnd(width, ' ')).join(''), width, at: 0 });
  }
  return pool;
}

interface Relay {
  index: number;
  /** The reused request body: a view of the arena. */
  body: Buffer;
  /** Where the body starts in the arena. */
  at: number;
  /** The batchId up to its sequence digits, and where those digits are in the arena. */
  batchIdHead: string;
  seqAt: number;
  /** Per series, as arena offsets: its timestamps slot, its values slot, its walk's first window; and window width, phase class, window offset. */
  stampAt: Int32Array;
  valueAt: Int32Array;
  walkAt: Int32Array;
  walkWidth: Int32Array;
  phaseOf: Int32Array;
  offsets: Int32Array;
  /** Sample time of the next batch's first sample (phase class 0, before jitter). */
  nextTime: number;
  seq: number;
}

/** Digits of the batch sequence number in a batchId (fixed width, so the body layout is fixed). */
const SEQ_DIGITS = 10;

/** Builds the batches of every relay and hands idle relays out in round-robin order. */
export class IngestBodies {
  readonly relays: Relay[] = [];
  readonly samplesPerBatch: number;
  private readonly idle: Relay[] = [];
  private readonly waiters: ((relay: Relay) => void)[] = [];
  private readonly phaseOffsetMs: number[];
  /** Width of a timestamps slot: `[t,...,t],"values":` with 13-digit timestamps. */
  private readonly stampWidth: number;
  /** Pools, timestamps scratch (one slot per phase class) and relay bodies. */
  private readonly arena: Buffer;
  private readonly stampsAt: number;
  /** Times a relay had to wait because its sample time was too far ahead of the wall clock. */
  aheadWaits = 0;
  private readonly spanMs: number;

  constructor(private readonly options: BodyOptions) {
    const { agents, metrics, agentsPerBatch, samplesPerSeries, sampleIntervalMs, labels } = options;
    if (sampleIntervalMs < 10) throw new Error('BENCH_SAMPLE_INTERVAL_MS must be at least 10');
    if (!/^[A-Za-z0-9_.-]+$/.test(options.environment) || !/^[A-Za-z0-9_.-]+$/.test(options.runId))
      throw new Error('environment and runId must be plain ASCII names');
    const specs: MetricSpec[] = [];
    for (let m = 0; m < metrics; m++) {
      const base = METRICS[m % METRICS.length];
      specs.push({ name: m < METRICS.length ? base.name : `${base.name}.${Math.floor(m / METRICS.length) + 1}`, kind: base.kind });
    }
    const pools = specs.map((spec, m) => buildPool(spec.kind, samplesPerSeries, 1000 + m));
    this.phaseOffsetMs = Array.from({ length: PHASE_CLASSES }, (_, c) => Math.floor((c * sampleIntervalMs) / PHASE_CLASSES));
    this.spanMs = samplesPerSeries * sampleIntervalMs;
    this.stampWidth = `[${Array(samplesPerSeries).fill('1000000000000').join(',')}],"values":`.length;
    const stampFiller = `[${Array(samplesPerSeries).fill('0').join(',')}],"values":`.padEnd(this.stampWidth, ' ');

    // Arena layout: walks, then the timestamps scratch, then the relay bodies.
    let size = 0;
    for (const pool of pools) {
      for (const walk of pool) {
        walk.at = size;
        size += walk.text.length;
      }
    }
    this.stampsAt = size;
    size += PHASE_CLASSES * this.stampWidth;

    const rnd = seededRandom(7);
    const start = Date.now() - START_LAG_MS;
    const width = String(agents - 1).length;
    const relayCount = Math.ceil(agents / agentsPerBatch);
    const texts: string[] = [];
    for (let r = 0; r < relayCount; r++) {
      const first = r * agentsPerBatch;
      const series = (Math.min(agents, first + agentsPerBatch) - first) * specs.length;
      const batchIdHead = `${options.runId}-r${r}-`;
      const relay: Relay = {
        index: r,
        body: Buffer.alloc(0),
        at: size,
        batchIdHead,
        seqAt: 0,
        stampAt: new Int32Array(series),
        valueAt: new Int32Array(series),
        walkAt: new Int32Array(series),
        walkWidth: new Int32Array(series),
        phaseOf: new Int32Array(series),
        offsets: new Int32Array(series),
        nextTime: start,
        seq: 0,
      };
      let text =
        '{"query":"mutation($b: TelemetryBatchInput!){ ingestBatch(batch:$b){ acceptedSamples rejectedSamples duplicate } }",' +
        `"variables":{"b":{"environment":"${options.environment}","batchId":"${batchIdHead}`;
      relay.seqAt = relay.at + text.length;
      text += `${'0'.repeat(SEQ_DIGITS)}","series":[`;
      let s = 0;
      for (let a = first; a < Math.min(agents, first + agentsPerBatch); a++) {
        const agentId = `agent-${String(a).padStart(width, '0')}`;
        const labelText =
          labels === 0
            ? ''
            : `,"labels":${JSON.stringify(
                Array.from({ length: labels }, (_, l) => ({
                  name: LABEL_NAMES[l % LABEL_NAMES.length] + (l >= LABEL_NAMES.length ? `_${l}` : ''),
                  value: l === 0 ? REGIONS[a % REGIONS.length] : `${LABEL_NAMES[l % LABEL_NAMES.length]}-${(a * 31 + l) % 17}`,
                })),
              )}`;
        for (let m = 0; m < specs.length; m++, s++) {
          const walk = pools[m][Math.floor(rnd() * WALKS_PER_POOL)];
          // Counters start early in their walk, so a run rarely reaches the wrap (a counter reset).
          const offset = Math.floor(rnd() * (specs[m].kind === 'counter' ? WINDOWS_PER_WALK / 8 : WINDOWS_PER_WALK));
          text += `${s === 0 ? '' : ','}{"agentId":"${agentId}","metric":"${specs[m].name}"${labelText},"timestamps":`;
          relay.stampAt[s] = relay.at + text.length;
          text += stampFiller;
          relay.valueAt[s] = relay.at + text.length;
          text += walk.text.slice(offset * walk.width, (offset + 1) * walk.width);
          relay.walkAt[s] = walk.at;
          relay.walkWidth[s] = walk.width;
          relay.phaseOf[s] = a % PHASE_CLASSES;
          relay.offsets[s] = offset;
        }
      }
      text += ']}}}';
      texts.push(text);
      size += text.length;
      this.relays.push(relay);
      this.idle.push(relay);
    }

    if (size > 2 ** 31 - 1) throw new Error(`the request bodies of this fleet need ${size} bytes; at most 2 GiB are supported`);
    this.arena = Buffer.allocUnsafe(size);
    for (const pool of pools) for (const walk of pool) this.arena.write(walk.text, walk.at, 'latin1');
    this.arena.fill(0x20, this.stampsAt, this.stampsAt + PHASE_CLASSES * this.stampWidth);
    this.relays.forEach((relay, r) => {
      this.arena.write(texts[r], relay.at, 'latin1');
      relay.body = this.arena.subarray(relay.at, relay.at + texts[r].length);
    });
    this.samplesPerBatch = agentsPerBatch * metrics * samplesPerSeries;
  }

  /** The largest body this fleet sends (the first relay's; the last may be smaller). */
  maxBodyBytes(): number {
    return this.relays[0].body.length;
  }

  /**
   * The next idle relay in round-robin order; waits while none is idle, or while
   * the next one's samples would be too far ahead of the wall clock.
   */
  async acquire(): Promise<Relay> {
    for (;;) {
      const relay = this.idle.shift() ?? (await new Promise<Relay>((resolve) => this.waiters.push(resolve)));
      const aheadBy = relay.nextTime + this.spanMs + this.options.sampleIntervalMs - (Date.now() + MAX_AHEAD_MS);
      if (aheadBy <= 0) return relay;
      this.aheadWaits++;
      this.idle.unshift(relay);
      await new Promise((r) => setTimeout(r, Math.min(aheadBy, 100)));
    }
  }

  release(relay: Relay): void {
    const waiter = this.waiters.shift();
    if (waiter !== undefined) waiter(relay);
    else this.idle.push(relay);
  }

  /**
   * Writes the relay's next batch into its body and returns it; the body stays
   * the relay's, so it must not be sent again after the relay is released.
   */
  build(relay: Relay): BuiltBatch {
    const { samplesPerSeries, sampleIntervalMs } = this.options;
    const floor = Date.now() - MAX_LAG_MS;
    if (relay.nextTime < floor) relay.nextTime += Math.ceil((floor - relay.nextTime) / sampleIntervalMs) * sampleIntervalMs;
    const base = relay.nextTime;
    const firstSample = Math.round(base / sampleIntervalMs);
    // One timestamps array per phase class: nominal grid + class phase + small jitter; strictly increasing.
    const arena = this.arena;
    const stampWidth = this.stampWidth;
    for (let c = 0; c < PHASE_CLASSES; c++) {
      let text = '[';
      for (let i = 0; i < samplesPerSeries; i++) {
        const t = base + i * sampleIntervalMs + this.phaseOffsetMs[c] + JITTER[(firstSample + i + c * 5) % JITTER.length];
        text += i === 0 ? t : `,${t}`;
      }
      text += '],"values":';
      if (text.length !== stampWidth) throw new Error('sample times must be 13-digit epoch milliseconds');
      arena.write(text, this.stampsAt + c * stampWidth, 'latin1');
    }
    const seq = relay.seq;
    const seqText = String(seq).padStart(SEQ_DIGITS, '0');
    arena.write(seqText, relay.seqAt, 'latin1');
    const { stampAt, valueAt, walkAt, walkWidth, phaseOf, offsets } = relay;
    const stampsAt = this.stampsAt;
    const count = stampAt.length;
    for (let s = 0; s < count; s++) {
      const from = stampsAt + phaseOf[s] * stampWidth;
      arena.copyWithin(stampAt[s], from, from + stampWidth);
      const w = walkWidth[s];
      const window = walkAt[s] + ((offsets[s] + seq) % WINDOWS_PER_WALK) * w;
      arena.copyWithin(valueAt[s], window, window + w);
    }
    relay.nextTime = base + this.spanMs;
    relay.seq++;
    return { body: relay.body, samples: count * samplesPerSeries, batchId: relay.batchIdHead + seqText };
  }

  /** How far the newest sample time of any relay is from the wall clock (positive: ahead). */
  sampleTimeOffsetMs(): { min: number; max: number } {
    const now = Date.now();
    let min = Infinity;
    let max = -Infinity;
    for (const r of this.relays) {
      const d = r.nextTime - now;
      if (d < min) min = d;
      if (d > max) max = d;
    }
    return { min, max };
  }
}
