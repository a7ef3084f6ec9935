import 'reflect-metadata';
import { plainToInstance, Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync, ValidationError } from 'class-validator';
import { redactSecrets } from '../logging/redact';

const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);
/** "true" / "false" as booleans; anything else stays a string, which IsBoolean then names. */
const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : emptyToUndefined({ value }));

/**
 * Every setting of the service, read from environment variables once at start-up.
 * A bad value stops the process with a message naming the variable.
 */
export class AppConfig {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  /** pino level of the JSON log: fatal, error, warn, info, debug, trace or silent (successful requests log at debug). */
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' = 'info';

  /** When unset, an embedded FerretDB (SQLite) server is started under DATA_DIR. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^mongodb(\+srv)?:\/\/.+/, { message: 'MONGODB_URI must be a mongodb:// or mongodb+srv:// URI' })
  MONGODB_URI?: string;

  /** Database name used when MONGODB_URI names none, and always for the embedded server. */
  @Matches(/^[A-Za-z0-9_-]{1,63}$/, { message: 'MONGODB_DB must be 1-63 letters, digits, _ or -' })
  MONGODB_DB = 'vitals';

  @IsString()
  @MinLength(1)
  DATA_DIR = './data';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'JWT_SECRET must be at least 16 characters' })
  JWT_SECRET?: string;

  /** When set, tokens must carry this `iss`. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  JWT_ISSUER?: string;

  /** When set, tokens must carry this `aud` (or a list holding it). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  JWT_AUDIENCE?: string;

  /** Longest lifetime (`exp` - `iat`) of a token with a role other than `agent`; agent-only tokens may live longer and are revoked instead. */
  @Type(() => Number)
  @IsNumber()
  @Min(0.01)
  @Max(24 * 366)
  TOKEN_MAX_LIFETIME_HOURS = 24;

  /** How often each instance reloads the revocation list: a revocation reaches every instance within this (its own at once). */
  @Type(() => Number)
  @IsNumber()
  @Min(1)
  @Max(3600)
  TOKEN_REVOCATION_REFRESH_SECONDS = 10;
  /** Bearer token that /metrics requires; /metrics answers 404 while it is unset. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'METRICS_TOKEN must be at least 16 characters' })
  METRICS_TOKEN?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  /**
   * With REDIS_URL: how long after a live window closes (end + grace) an instance waits for the
   * other instances' partials of it before it publishes the merged window to its subscribers.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10_000)
  LIVE_MERGE_DELAY_MS = 250;

  /** Messages a subscription keeps for a client that reads slower than they come (then: drop-oldest or coalesce, per subscription). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  SUBSCRIPTION_BUFFER_MESSAGES = 1024;

  /** A socket with more than this unsent (ws bufferedAmount), or a subscription that dropped a whole buffer unread, is closed with 4429. */
  @Type(() => Number)
  @IsInt()
  @Min(64 * 1024)
  @Max(1024 * 1024 * 1024)
  WS_MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

  /** How often the failure detector looks at every agent. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(60_000)
  HEARTBEAT_SWEEP_INTERVAL_MS = 1000;

  /** Interval assumed for agents that do not declare intervalSeconds. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(60)
  HEARTBEAT_DEFAULT_INTERVAL_SECONDS = 10;

  /** How often the agent registry is snapshotted (the heartbeat log covers the time between). */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(600_000)
  AGENT_SNAPSHOT_INTERVAL_MS = 30_000;

  // The failure detector's settings are only parsed here: their defaults and bounds are the
  // classifier's, which checks them at start-up and names the variable of a value out of bounds.

  /** Adaptive timeout = mean + k * std of an agent's heartbeat inter-arrival times. */
  @IsOptional()
  @Type(() => Number)
  @IsNumber()
  DETECTOR_K?: number;

  /** Lower bound of the adaptive timeout. */
  @IsOptional()
  @Type(() => Number)
  @IsNumber()
  DETECTOR_MIN_TIMEOUT_MS?: number;

  /** Upper bound of the adaptive timeout, in declared intervals. */
  @IsOptional()
  @Type(() => Number)
  @IsNumber()
  DETECTOR_MAX_TIMEOUT_INTERVALS?: number;

  /** DOWN after this many adaptive timeouts of silence (and no sooner than SUSPECT). */
  @IsOptional()
  @Type(() => Number)
  @IsNumber()
  DETECTOR_DOWN_AFTER_TIMEOUTS?: number;

  /** SUSPECT once the phi-accrual suspicion of a silent agent reaches this (10^-φ: the chance for a live agent). */
  @IsOptional()
  @Type(() => Number)
  @IsNumber()
  DETECTOR_SUSPECT_PHI?: number;

  /** Share of heartbeats suspicion takes as lost on any network (an agent's measured loss counts when higher). */
  @IsOptional()
  @Type(() => Number)
  @IsNumber()
  DETECTOR_ASSUMED_LOSS_RATE?: number;

  /** DEGRADED when heartbeat jitter (coefficient of variation) exceeds this. */
  @IsOptional()
  @Type(() => Number)
  @IsNumber()
  DETECTOR_JITTER_CV_THRESHOLD?: number;

  /** DEGRADED when a cpu, memory or disk reading reaches this percentage. */
  @IsOptional()
  @Type(() => Number)
  @IsNumber()
  DETECTOR_RESOURCE_PERCENT?: number;

  /** Comma-separated label names whose groups are judged for partitions. */
  @IsOptional()
  @Matches(/^[A-Za-z_][A-Za-z0-9_.-]*(,[A-Za-z_][A-Za-z0-9_.-]*)*$/, { message: 'PARTITION_GROUP_LABELS must be comma-separated label names' })
  PARTITION_GROUP_LABELS?: string;

  /** Groups smaller than this are never judged partitioned. */
  @IsOptional()
  @Type(() => Number)
  @IsNumber()
  PARTITION_MIN_AGENTS?: number;

  /** This fraction of a group silent together makes it PARTITIONED. */
  @IsOptional()
  @Type(() => Number)
  @IsNumber()
  PARTITION_SILENT_FRACTION?: number;

  /** Window in which recoveries from DOWN count towards FLAPPING, in whole seconds. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  FLAP_WINDOW_SECONDS?: number;

  /** Recoveries from DOWN within the window that make an agent FLAPPING. */
  @IsOptional()
  @Type(() => Number)
  @IsNumber()
  FLAP_THRESHOLD?: number;

  /** A FLAPPING agent returns to HEALTHY after this long without going DOWN, in whole seconds. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  FLAP_SETTLE_SECONDS?: number;

  /** Raw samples older than this are deleted by the retention sweeper. */
  @Type(() => Number)
  @IsNumber()
  @Min(1)
  @Max(24 * 365)
  RETENTION_RAW_HOURS = 24;

  /** 1-minute rollups older than this are deleted. */
  @Type(() => Number)
  @IsNumber()
  @Min(1)
  @Max(3650)
  RETENTION_1M_DAYS = 7;

  /** 1-hour rollups older than this are deleted. */
  @Type(() => Number)
  @IsNumber()
  @Min(1)
  @Max(3650)
  RETENTION_1H_DAYS = 30;

  /** 1-day rollups older than this are deleted. */
  @Type(() => Number)
  @IsNumber()
  @Min(1)
  @Max(36500)
  RETENTION_1D_DAYS = 365;

  /**
   * How often the in-memory head is saved as compressed parts (and the write-ahead log behind
   * it dropped). Bounds the replay after a crash: at 500k samples/s, 30 s replay in about 15 s.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3600)
  CHECKPOINT_INTERVAL_SECONDS = 30;

  /** A head larger than this is checkpointed early, which bounds memory and replay time. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(64 * 1024)
  HEAD_MAX_MB = 256;

  /**
   * A generation whose write-ahead log passes this starts a checkpoint early: this bounds the log
   * a restart replays and the disk it holds until the checkpoint drops it. Smaller costs ingest
   * throughput at full load, where the log grows by ~2-3 MB/s: bench:ingest (noisy) ran 464k
   * samples/s with it off, 287k at 32 (a checkpoint every ~15 s instead of 30), ~250k at 4.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(64 * 1024)
  CHECKPOINT_LOG_MB = 64;

  /** How long after a period closes its rollups wait for late samples before being rolled up. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(86_400)
  ROLLUP_GRACE_SECONDS = 120;

  /** Memory for stored parts read by queries (they never change, so they are cached). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(64 * 1024)
  PART_CACHE_MB = 256;

  /** Memory for stored parts decoded into columns for queries (decoded once: parts never change). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(64 * 1024)
  QUERY_CACHE_MB = 256;

  /** Series per environment (metric + agent + labels); a new series past it is refused with CARDINALITY_LIMIT. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000_000)
  SERIES_MAX_PER_ENVIRONMENT = 1_000_000;

  /** Distinct values of one series label name per environment; a new value past it is refused with CARDINALITY_LIMIT. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  SERIES_MAX_LABEL_VALUES = 50_000;

  /** A query answering more points (series x steps) than this is refused, with a step that would fit. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000_000)
  QUERY_MAX_POINTS = 1_000_000;

  /** A query running longer than this ends with BAD_USER_INPUT (reason QUERY_TIMEOUT). */
  @Type(() => Number)
  @IsNumber()
  @Min(0.1)
  @Max(600)
  QUERY_TIMEOUT_SECONDS = 10;

  /** How often alert rules are evaluated; a rule's evaluateEverySeconds is a multiple of it. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3600)
  ALERT_EVALUATION_INTERVAL_SECONDS = 10;

  /** A previewAlertRule over more evaluations than this is refused (with the range that would fit). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  ALERT_PREVIEW_MAX_EVALUATIONS = 50_000;

  /** Agent health events and resolved alerts older than this are deleted. */
  @Type(() => Number)
  @IsNumber()
  @Min(1)
  @Max(3650)
  RETENTION_EVENTS_DAYS = 365;

  /** Audit log entries older than this are deleted. */
  @Type(() => Number)
  @IsNumber()
  @Min(1)
  @Max(3650)
  RETENTION_AUDIT_DAYS = 400;

  /** How long a batchId is remembered for idempotent retries. */
  @Type(() => Number)
  @IsNumber()
  @Min(1)
  @Max(24 * 30)
  IDEMPOTENCY_WINDOW_HOURS = 24;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  INGEST_MAX_SAMPLES_PER_BATCH = 200_000;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  INGEST_MAX_ITEMS_PER_BATCH = 20_000;

  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(512 * 1024 * 1024)
  MAX_REQUEST_BYTES = 32 * 1024 * 1024;

  @Type(() => Number)
  @IsInt()
  @Min(2)
  @Max(50)
  GRAPHQL_MAX_DEPTH = 10;

  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(1_000_000)
  GRAPHQL_MAX_COST = 10_000;

  /** Largest WebSocket message before connection_init is authenticated (after it: MAX_REQUEST_BYTES); a bigger one closes the socket with 1009. */
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(16 * 1024 * 1024)
  WS_MAX_PAYLOAD_BEFORE_AUTH_BYTES = 64 * 1024;

  /**
   * Requests per second (and burst) per token subject, by role; per client IP for requests without a valid token.
   * A token with several roles gets the most generous of them. 0 turns the limit off. Each instance counts its own.
   */
  @Type(() => Number)
  @IsNumber()
  @Min(0)
  RATE_LIMIT_AGENT_PER_SECOND = 1000;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  RATE_LIMIT_AGENT_BURST = 2000;

  @Type(() => Number)
  @IsNumber()
  @Min(0)
  RATE_LIMIT_VIEWER_PER_SECOND = 100;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  RATE_LIMIT_VIEWER_BURST = 200;

  @Type(() => Number)
  @IsNumber()
  @Min(0)
  RATE_LIMIT_OPERATOR_PER_SECOND = 100;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  RATE_LIMIT_OPERATOR_BURST = 200;

  @Type(() => Number)
  @IsNumber()
  @Min(0)
  RATE_LIMIT_ADMIN_PER_SECOND = 1000;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  RATE_LIMIT_ADMIN_BURST = 2000;

  @Type(() => Number)
  @IsNumber()
  @Min(0)
  RATE_LIMIT_ANONYMOUS_PER_SECOND = 20;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  RATE_LIMIT_ANONYMOUS_BURST = 50;

  /**
   * Bytes (estimated) each write-ahead log (samples, heartbeats) may hold queued or being written; a batch past it is
   * answered UNAVAILABLE with retryAfterSeconds instead of queueing (one entry is always taken when the log is empty).
   */
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(16 * 1024 * 1024 * 1024)
  WAL_MAX_PENDING_BYTES = 256 * 1024 * 1024;

  // Alert notifications (docs/alerting.md): the delivery queue, its retries, and SMTP for EMAIL channels.

  /** How often due notification groups are flushed and due deliveries sent. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(60_000)
  NOTIFY_DISPATCH_INTERVAL_MS = 1000;

  /** One delivery attempt (HTTP request or SMTP session) longer than this fails and is retried. */
  @Type(() => Number)
  @IsNumber()
  @Min(0.1)
  @Max(300)
  NOTIFY_TIMEOUT_SECONDS = 10;

  /** Attempts per delivery before it is marked failed. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  NOTIFY_MAX_ATTEMPTS = 10;

  /** A delivery not delivered this long after it was queued is marked failed (a stale alert is worse than none). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(7 * 86_400)
  NOTIFY_MAX_AGE_SECONDS = 6 * 3600;

  /** First retry delay; each further retry doubles it (half of it random jitter), up to NOTIFY_BACKOFF_MAX_SECONDS. */
  @Type(() => Number)
  @IsNumber()
  @Min(0.001)
  @Max(3600)
  NOTIFY_BACKOFF_BASE_SECONDS = 5;

  @Type(() => Number)
  @IsNumber()
  @Min(0.001)
  @Max(86_400)
  NOTIFY_BACKOFF_MAX_SECONDS = 600;

  /** Attempts in flight per channel: a slow channel holds at most this many, and never another channel's. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  NOTIFY_CONCURRENCY_PER_CHANNEL = 4;

  /** Delivered and failed deliveries older than this are deleted. */
  @Type(() => Number)
  @IsNumber()
  @Min(1)
  @Max(3650)
  NOTIFY_DELIVERY_RETENTION_DAYS = 30;

  /** Where people reach Vitals: the payloads' externalURL and the base of generatorURL. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'NOTIFY_EXTERNAL_URL must be an http:// or https:// URL' })
  NOTIFY_EXTERNAL_URL?: string;

  /** The SMTP server of EMAIL channels, e.g. smtp://user:password@mail.example.com:587 or smtps://...:465; without it EMAIL channels are refused. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^smtps?:\/\/\S+$/, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  /** The From of notification emails. */
  @IsString()
  @MinLength(3)
  SMTP_FROM = 'Vitals <vitals@localhost>';

  /** Whether `__schema` / `__type` are answered (to callers with a token); unset: on unless NODE_ENV=production. */
  @Transform(toBoolean)
  @IsOptional()
  @IsBoolean({ message: 'GRAPHQL_INTROSPECTION must be true or false' })
  GRAPHQL_INTROSPECTION?: boolean;

  get introspection(): boolean {
    return this.GRAPHQL_INTROSPECTION ?? this.NODE_ENV !== 'production';
  }
}

export class ConfigError extends Error {}

/** Parses and validates the environment; throws one ConfigError listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const known = Object.keys(new AppConfig());
  const plain: Record<string, string> = {};
  for (const key of [...known, 'MONGODB_URI', 'JWT_SECRET', 'JWT_ISSUER', 'JWT_AUDIENCE', 'REDIS_URL', 'GRAPHQL_INTROSPECTION', 'METRICS_TOKEN']) {
    const value = env[key];
    if (value !== undefined) plain[key] = value;
  }
  const config = plainToInstance(AppConfig, plain);
  const problems = validateSync(config, { forbidUnknownValues: true }).flatMap((e) => describe(e, plain));
  if (config.NODE_ENV === 'production' && config.JWT_SECRET === undefined) {
    problems.push('JWT_SECRET is required when NODE_ENV=production');
  }
  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return config;
}

const SECRETS = new Set(['JWT_SECRET', 'METRICS_TOKEN', 'SMTP_URL']);

function describe(error: ValidationError, raw: Record<string, string>): string[] {
  const value = SECRETS.has(error.property) ? '<hidden>' : redactSecrets(JSON.stringify(raw[error.property]));
  return Object.values(error.constraints ?? {}).map((message) => `${error.property}=${value}: ${message}`);
}
