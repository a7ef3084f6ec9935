import type { Label } from '../../../common/labels/label';

export type SeverityName = 'INFO' | 'WARNING' | 'CRITICAL';
export const SEVERITY_ORDER: Record<SeverityName, number> = { INFO: 0, WARNING: 1, CRITICAL: 2 };

/** One alert as a notification lists it. Labels are sorted pairs (user strings stay values, never document keys). */
export interface MessageAlert {
  id: string;
  status: 'firing' | 'resolved';
  severity: SeverityName;
  subject: string;
  labels: Label[];
  annotations: Label[];
  startsAt: Date;
  /** When it resolved; absent while firing. */
  endsAt?: Date;
  acknowledgedBy?: string;
}

/** What one channel is sent for one group at one flush (or a test): rendered per channel kind when it is sent. */
export interface NotificationMessage {
  environment: string;
  groupKey: string;
  ruleId: string;
  ruleName: string;
  /** firing while any listed alert fires. */
  status: 'firing' | 'resolved';
  groupLabels: Label[];
  alerts: MessageAlert[];
  /** Alerts of the group left out past MAX_ALERTS_PER_MESSAGE. */
  truncatedAlerts: number;
  test?: boolean;
}

/** A message lists at most this many alerts (firing first); the rest are counted in truncatedAlerts. */
export const MAX_ALERTS_PER_MESSAGE = 200;

export const labelValue = (labels: readonly Label[], name: string): string | undefined => labels.find((l) => l.name === name)?.value;

/** Sorted by name, as fingerprints and group keys need them. */
export function labelsFromRecord(record: Record<string, string>): Label[] {
  return Object.entries(record)
    .map(([name, value]) => ({ name, value: String(value) }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export const labelsToRecord = (labels: readonly Label[]): Record<string, string> => Object.fromEntries(labels.map((l) => [l.name, l.value]));

/** Builds a message from a group's alerts: firing first, capped at MAX_ALERTS_PER_MESSAGE. */
export function buildMessage(
  group: { environment: string; groupKey: string; ruleId: string; ruleName: string; groupLabels: Label[] },
  alerts: MessageAlert[],
): NotificationMessage {
  const ordered = [...alerts.filter((a) => a.status === 'firing'), ...alerts.filter((a) => a.status === 'resolved')];
  const listed = ordered.slice(0, MAX_ALERTS_PER_MESSAGE);
  return {
    environment: group.environment,
    groupKey: group.groupKey,
    ruleId: group.ruleId,
    ruleName: group.ruleName,
    status: ordered.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    groupLabels: group.groupLabels,
    alerts: listed,
    truncatedAlerts: ordered.length - listed.length,
  };
}
