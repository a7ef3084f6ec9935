import { labelValue, MessageAlert, NotificationMessage } from '../routing/notification-message';

/** Alerts listed one per line in a Slack message; the rest are counted (Slack refuses long blocks). */
export const SLACK_MAX_LISTED = 10;

/** A Slack incoming-webhook body (https://api.slack.com/messaging/webhooks): a fallback text and blocks. */
export interface SlackPayload {
  text: string;
  blocks: { type: string; text?: { type: string; text: string }; elements?: { type: string; text: string }[] }[];
}

export function slackPayload(message: NotificationMessage, externalURL: string): SlackPayload {
  const firing = message.alerts.filter((a) => a.status === 'firing');
  const title = headline(message);
  const lines = message.alerts.slice(0, SLACK_MAX_LISTED).map(alertLine);
  const more = message.alerts.length - lines.length + message.truncatedAlerts;
  if (more > 0) lines.push(`…and ${more} more`);
  const context = [`environment *${escape(message.environment)}*`, `${firing.length} firing`, `${message.alerts.length - firing.length} resolved`];
  if (externalURL !== '') context.push(`<${externalURL}|Vitals>`);
  return {
    text: title,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150) } },
      { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n').slice(0, 3000) } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: context.join(' · ') }] },
    ],
  };
}

/** e.g. "[FIRING:3] High latency", "[RESOLVED] High latency", "[TEST] Vitals channel check". */
export function headline(message: NotificationMessage): string {
  if (message.test) return `[TEST] ${message.ruleName}`;
  const firing = message.alerts.filter((a) => a.status === 'firing').length;
  return message.status === 'firing' ? `[FIRING:${firing}] ${message.ruleName}` : `[RESOLVED] ${message.ruleName}`;
}

function alertLine(alert: MessageAlert): string {
  const icon = alert.status === 'firing' ? (alert.severity === 'CRITICAL' ? ':red_circle:' : ':large_orange_circle:') : ':white_check_mark:';
  const summary = labelValue(alert.annotations, 'summary') ?? alert.subject;
  const ack = alert.acknowledgedBy !== undefined ? ` (acknowledged by ${escape(alert.acknowledgedBy)})` : '';
  return `${icon} *${alert.severity}* ${escape(alert.subject)}: ${escape(summary)}${ack}`;
}

/** Slack's mrkdwn control characters (https://api.slack.com/reference/surfaces/formatting#escaping). */
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
