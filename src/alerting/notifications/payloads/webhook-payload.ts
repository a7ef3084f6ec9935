import { createHmac } from 'node:crypto';
import type { Label } from '../../../common/labels/label';
import { labelsToRecord, MessageAlert, NotificationMessage } from '../routing/notification-message';

/** What Alertmanager sends for an alert that has not ended. */
export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

export const SIGNATURE_HEADER = 'X-Vitals-Signature';
export const TIMESTAMP_HEADER = 'X-Vitals-Timestamp';

export interface RenderOptions {
  /** The channel's name: Alertmanager's receiver. */
  receiver: string;
  /** Where people reach this Vitals (NOTIFY_EXTERNAL_URL); '' when not configured. */
  externalURL: string;
}

export interface WebhookAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

/** Prometheus Alertmanager's webhook body, version 4 (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config). */
export interface WebhookPayload {
  version: '4';
  groupKey: string;
  truncatedAlerts: number;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: WebhookAlert[];
}

export function webhookPayload(message: NotificationMessage, options: RenderOptions): WebhookPayload {
  return {
    version: '4',
    groupKey: message.groupKey,
    truncatedAlerts: message.truncatedAlerts,
    status: message.status,
    receiver: options.receiver,
    groupLabels: labelsToRecord(message.groupLabels),
    commonLabels: labelsToRecord(common(message.alerts.map((a) => a.labels))),
    commonAnnotations: labelsToRecord(common(message.alerts.map((a) => a.annotations))),
    externalURL: options.externalURL,
    alerts: message.alerts.map((alert) => ({
      status: alert.status,
      labels: labelsToRecord(alert.labels),
      annotations: labelsToRecord(alert.annotations),
      startsAt: alert.startsAt.toISOString(),
      endsAt: alert.endsAt?.toISOString() ?? GO_ZERO_TIME,
      generatorURL: generatorURL(message, alert, options.externalURL),
      fingerprint: fingerprint(alert.labels),
    })),
  };
}

/** A link to the alert in Vitals' API, when the service knows its external URL. */
function generatorURL(message: NotificationMessage, alert: MessageAlert, externalURL: string): string {
  if (externalURL === '') return '';
  const query = new URLSearchParams({ environment: message.environment, rule: message.ruleId, alert: alert.id });
  return `${externalURL.replace(/\/+$/, '')}/alerts?${query.toString()}`;
}

/** The pairs every list has with the same value (Alertmanager's commonLabels/commonAnnotations). */
function common(lists: Label[][]): Label[] {
  if (lists.length === 0) return [];
  const [first, ...rest] = lists;
  return first.filter((pair) => rest.every((list) => list.some((l) => l.name === pair.name && l.value === pair.value)));
}

const FNV64_OFFSET = 0xcbf29ce484222325n;
const FNV64_PRIME = 0x100000001b3n;
const MASK64 = 0xffffffffffffffffn;

/**
 * Alertmanager's fingerprint of a label set (prometheus/common model.LabelSet.Fingerprint): FNV-1a 64 over the
 * labels sorted by name, each as name, 0xff, value, 0xff in UTF-8; 16 hex digits. Equal labels, equal fingerprint.
 */
export function fingerprint(labels: readonly Label[]): string {
  const sorted = [...labels].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let hash = FNV64_OFFSET;
  const add = (bytes: Uint8Array) => {
    for (const byte of bytes) hash = ((hash ^ BigInt(byte)) * FNV64_PRIME) & MASK64;
  };
  const separator = Uint8Array.of(0xff);
  for (const { name, value } of sorted) {
    add(Buffer.from(name, 'utf8'));
    add(separator);
    add(Buffer.from(value, 'utf8'));
    add(separator);
  }
  return hash.toString(16).padStart(16, '0');
}

/**
 * The signature headers of a webhook body: `X-Vitals-Timestamp` (Unix seconds) and `X-Vitals-Signature:
 * sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`. Signing the timestamp lets a receiver refuse replays
 * of an old request (e.g. older than 5 minutes) as well as forged bodies.
 */
export function signatureHeaders(secret: string, body: string, nowMs: number): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  const digest = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: `sha256=${digest}` };
}
