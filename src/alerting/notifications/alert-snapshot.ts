import type { Severity } from '../models/alert.model';

/** How a rule's notifications are grouped, repeated and escalated (Alertmanager's route settings). */
export interface NotificationPolicy {
  /** Label names notifications are grouped by; alerts of one rule with equal values go out as one message. */
  groupBy: string[];
  groupWaitSeconds: number;
  groupIntervalSeconds: number;
  repeatIntervalSeconds: number;
  /** Unacknowledged alerts still firing after a tier's delay also go to its channels. */
  escalations: { afterSeconds: number; channelIds: string[]; minSeverity: Severity }[];
}

/** An alert as notification routing sees it after each change: what silences, inhibition, grouping and payloads match on. */
export interface AlertSnapshot {
  id: string;
  environment: string;
  ruleId: string;
  ruleName: string;
  severity: Severity;
  state: 'PENDING' | 'FIRING' | 'RESOLVED';
  /** The series, agent or group the alert is about. */
  subject: string;
  /** alertname (the rule's name), severity, environment, the subject's labels (agent, the group's labels), the rule's labels. */
  labels: Record<string, string>;
  /** summary (the rendered template) and anything else for people. */
  annotations: Record<string, string>;
  startsAt: Date;
  endsAt?: Date;
  value?: number;
  channelIds: string[];
  policy: NotificationPolicy;
  acknowledgedAt?: Date;
  acknowledgedBy?: string;
}

/** What the alert lifecycle calls after every transition (and acknowledgement); it must never throw into evaluation. */
export interface AlertNotifier {
  alertChanged(alert: AlertSnapshot): Promise<void>;
}
export const ALERT_NOTIFIER = Symbol('ALERT_NOTIFIER');
