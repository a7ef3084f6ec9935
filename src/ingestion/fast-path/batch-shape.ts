import { TelemetryBatchInput } from '../dto/telemetry-batch.input';

/**
 * Whether a variable value certainly coerces to TelemetryBatchInput unchanged: the right
 * keys, types and nullability, lists as arrays. GraphQL accepts a little more (an ID given
 * as an integer, a single value for a list); such a batch, and any bad one, goes through
 * Apollo, whose coercion errors carry the path. One pass, no allocation per sample.
 */
export function isPlainTelemetryBatch(value: unknown): value is TelemetryBatchInput {
  if (!isObject(value, BATCH_KEYS) || typeof value.environment !== 'string' || !optional(value.batchId, isString)) return false;
  return optionalList(value.heartbeats, isHeartbeat) && optionalList(value.series, isSeries) && optionalList(value.samples, isSample);
}

const BATCH_KEYS = new Set(['batchId', 'environment', 'heartbeats', 'series', 'samples']);
const HEARTBEAT_KEYS = new Set(['agentId', 'timestamp', 'intervalSeconds', 'status', 'labels', 'cpu', 'memory', 'disk', 'version']);
const SERIES_KEYS = new Set(['agentId', 'metric', 'labels', 'timestamps', 'values']);
const SAMPLE_KEYS = new Set(['agentId', 'metric', 'value', 'timestamp', 'labels']);
const LABEL_KEYS = new Set(['name', 'value']);

type Shape = Record<string, unknown>;

function isObject(value: unknown, keys: Set<string>): value is Shape {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const key in value) if (!keys.has(key)) return false;
  return true;
}

const isString = (v: unknown): boolean => typeof v === 'string';
const isNumber = (v: unknown): boolean => typeof v === 'number';
const isInt32 = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31;
const optional = (v: unknown, check: (v: unknown) => boolean): boolean => v === undefined || v === null || check(v);

function optionalList(v: unknown, item: (v: unknown) => boolean): boolean {
  return v === undefined || v === null || isList(v, item);
}

function isList(v: unknown, item: (v: unknown) => boolean): boolean {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (!item(v[i])) return false;
  return true;
}

function isNumberList(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'number') return false;
  return true;
}

const isLabel = (v: unknown): boolean => isObject(v, LABEL_KEYS) && typeof v.name === 'string' && typeof v.value === 'string';

function isHeartbeat(v: unknown): boolean {
  return (
    isObject(v, HEARTBEAT_KEYS) &&
    typeof v.agentId === 'string' &&
    optional(v.timestamp, isNumber) &&
    optional(v.intervalSeconds, isInt32) &&
    optional(v.status, isString) &&
    optionalList(v.labels, isLabel) &&
    optional(v.cpu, isNumber) &&
    optional(v.memory, isNumber) &&
    optional(v.disk, isNumber) &&
    optional(v.version, isString)
  );
}

function isSeries(v: unknown): boolean {
  return (
    isObject(v, SERIES_KEYS) &&
    typeof v.agentId === 'string' &&
    typeof v.metric === 'string' &&
    optionalList(v.labels, isLabel) &&
    isNumberList(v.timestamps) &&
    isNumberList(v.values)
  );
}

function isSample(v: unknown): boolean {
  return (
    isObject(v, SAMPLE_KEYS) &&
    typeof v.agentId === 'string' &&
    typeof v.metric === 'string' &&
    typeof v.value === 'number' &&
    optional(v.timestamp, isNumber) &&
    optionalList(v.labels, isLabel)
  );
}
