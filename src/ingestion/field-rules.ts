/**
 * What the fields of a telemetry batch may hold (README, "Limits and errors"). Predicates only:
 * the validator reports a failed one with its path, code and message.
 */

export const AGENT_STATUSES = ['ok', 'degraded', 'error'] as const;
export const MAX_AGENT_ID = 128;
export const MAX_BATCH_ID = 128;
export const MAX_LABELS = 32;
export const MAX_LABEL_VALUE = 256;
export const MAX_VERSION = 64;

const ENVIRONMENT = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const METRIC = /^[A-Za-z_][A-Za-z0-9_.:/-]{0,199}$/;
const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

export const isEnvironment = (environment: string): boolean => ENVIRONMENT.test(environment);
export const isBatchId = (batchId: string): boolean => batchId.length > 0 && batchId.length <= MAX_BATCH_ID;
export const isAgentId = (agentId: string): boolean => agentId.length > 0 && agentId.length <= MAX_AGENT_ID && !CONTROL_CHARS.test(agentId);
export const isMetric = (metric: string): boolean => METRIC.test(metric);
export const isLabelName = (name: string): boolean => LABEL_NAME.test(name);
export const isLabelValue = (value: string): boolean => value.length <= MAX_LABEL_VALUE && !CONTROL_CHARS.test(value);
export const isVersion = (version: string): boolean => version.length <= MAX_VERSION && !CONTROL_CHARS.test(version);
export const isInterval = (seconds: number): boolean => seconds >= 1 && seconds <= 60;
export const isAgentStatus = (status: string): boolean => (AGENT_STATUSES as readonly string[]).includes(status);
export const isPercent = (value: number): boolean => Number.isFinite(value) && value >= 0 && value <= 100;
