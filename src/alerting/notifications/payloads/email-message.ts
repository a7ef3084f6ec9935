import { labelValue, MessageAlert, NotificationMessage } from '../routing/notification-message';
import { headline } from './slack-payload';

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

/** Subject "[FIRING:2] <rule> (<environment>)"; a plain-text and an HTML body listing every alert with its labels. */
export function emailContent(message: NotificationMessage, externalURL: string): EmailContent {
  const subject = `${headline(message)} (${message.environment})`.replace(/[\r\n]+/g, ' ');
  const more = message.truncatedAlerts > 0 ? [`...and ${message.truncatedAlerts} more alerts`] : [];
  const link = externalURL !== '' ? [`Vitals: ${externalURL}`] : [];
  const text = [subject, '', ...message.alerts.map(alertText), ...more, ...link].join('\n');
  const html = [
    `<h2>${escapeHtml(subject)}</h2>`,
    '<ul>',
    ...message.alerts.map((a) => `<li>${alertHtml(a)}</li>`),
    '</ul>',
    ...more.map((m) => `<p>${escapeHtml(m)}</p>`),
    ...link.map(() => `<p><a href="${escapeHtml(externalURL)}">Vitals</a></p>`),
  ].join('\n');
  return { subject, text, html };
}

const summaryOf = (alert: MessageAlert) => labelValue(alert.annotations, 'summary') ?? alert.subject;
const labelsText = (alert: MessageAlert) => alert.labels.map((l) => `${l.name}=${l.value}`).join(', ');

function alertText(alert: MessageAlert): string {
  const when = alert.endsAt !== undefined ? `resolved at ${alert.endsAt.toISOString()}` : `since ${alert.startsAt.toISOString()}`;
  return `- ${alert.status.toUpperCase()} ${alert.severity} ${alert.subject}: ${summaryOf(alert)} (${when})\n  labels: ${labelsText(alert)}`;
}

function alertHtml(alert: MessageAlert): string {
  const when = alert.endsAt !== undefined ? `resolved at ${alert.endsAt.toISOString()}` : `since ${alert.startsAt.toISOString()}`;
  return `<b>${alert.status.toUpperCase()} ${alert.severity}</b> ${escapeHtml(alert.subject)}: ${escapeHtml(summaryOf(alert))} (${when})<br><small>${escapeHtml(labelsText(alert))}</small>`;
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
