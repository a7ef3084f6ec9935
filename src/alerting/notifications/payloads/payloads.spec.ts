import { createHmac } from 'node:crypto';
import { buildMessage, labelsFromRecord, MAX_ALERTS_PER_MESSAGE, MessageAlert } from '../routing/notification-message';
import { emailContent } from './email-message';
import { slackPayload } from './slack-payload';
import { fingerprint, GO_ZERO_TIME, signatureHeaders, webhookPayload } from './webhook-payload';

const group = {
  environment: 'prod',
  groupKey: '{environment="prod",rule="r1"}:{region="eu"}',
  ruleId: 'r1',
  ruleName: 'High latency',
  groupLabels: [{ name: 'region', value: 'eu' }],
};
const alert = (id: string, status: 'firing' | 'resolved', extra: Record<string, string> = {}): MessageAlert => ({
  id,
  status,
  severity: 'CRITICAL',
  subject: id,
  labels: labelsFromRecord({ alertname: 'High latency', severity: 'CRITICAL', region: 'eu', agent: id, ...extra }),
  annotations: labelsFromRecord({ summary: `${id} p95 920 ms` }),
  startsAt: new Date('2026-01-01T12:00:00Z'),
  ...(status === 'resolved' ? { endsAt: new Date('2026-01-01T12:10:00Z') } : {}),
});

describe('webhook payload', () => {
  it('is an Alertmanager version 4 body: common labels, zero endsAt while firing, fingerprints', () => {
    const message = buildMessage(group, [alert('a', 'firing'), alert('b', 'resolved')]);
    const body = webhookPayload(message, { receiver: 'ops-hook', externalURL: 'https://vitals.example.com' });
    expect(body).toMatchObject({
      version: '4',
      groupKey: group.groupKey,
      truncatedAlerts: 0,
      status: 'firing',
      receiver: 'ops-hook',
      groupLabels: { region: 'eu' },
      commonLabels: { alertname: 'High latency', severity: 'CRITICAL', region: 'eu' },
      commonAnnotations: {},
      externalURL: 'https://vitals.example.com',
    });
    expect(body.alerts[0]).toEqual({
      status: 'firing',
      labels: { agent: 'a', alertname: 'High latency', region: 'eu', severity: 'CRITICAL' },
      annotations: { summary: 'a p95 920 ms' },
      startsAt: '2026-01-01T12:00:00.000Z',
      endsAt: GO_ZERO_TIME,
      generatorURL: 'https://vitals.example.com/alerts?environment=prod&rule=r1&alert=a',
      fingerprint: fingerprint(message.alerts[0].labels),
    });
    expect(body.alerts[1].endsAt).toBe('2026-01-01T12:10:00.000Z');
  });

  it('counts alerts past the message cap in truncatedAlerts', () => {
    const many = Array.from({ length: MAX_ALERTS_PER_MESSAGE + 5 }, (_, i) => alert(`a${i}`, 'firing'));
    const body = webhookPayload(buildMessage(group, many), { receiver: 'r', externalURL: '' });
    expect(body.alerts).toHaveLength(MAX_ALERTS_PER_MESSAGE);
    expect(body.truncatedAlerts).toBe(5);
    expect(body.alerts[0].generatorURL).toBe('');
  });

  it('fingerprints like Alertmanager: FNV-1a 64 over sorted labels, independent of order', () => {
    expect(fingerprint([])).toBe('cbf29ce484222325');
    const a = fingerprint([
      { name: 'b', value: '2' },
      { name: 'a', value: '1' },
    ]);
    expect(a).toBe(
      fingerprint([
        { name: 'a', value: '1' },
        { name: 'b', value: '2' },
      ]),
    );
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(a).not.toBe(fingerprint([{ name: 'a', value: '12' }]));
  });

  it('signs "<timestamp>.<body>" with HMAC-SHA256', () => {
    const headers = signatureHeaders('k'.repeat(16), '{"x":1}', 1_767_268_800_500);
    expect(headers['X-Vitals-Timestamp']).toBe('1767268800');
    const expected = createHmac('sha256', 'k'.repeat(16)).update('1767268800.{"x":1}').digest('hex');
    expect(headers['X-Vitals-Signature']).toBe(`sha256=${expected}`);
  });
});

describe('slack payload', () => {
  it('has a fallback text and blocks saying firing or resolved', () => {
    const firing = slackPayload(buildMessage(group, [alert('a', 'firing'), alert('b', 'firing')]), '');
    expect(firing.text).toBe('[FIRING:2] High latency');
    expect(JSON.stringify(firing.blocks)).toContain('a p95 920 ms');
    const resolved = slackPayload(buildMessage(group, [alert('a', 'resolved')]), 'https://v.example.com');
    expect(resolved.text).toBe('[RESOLVED] High latency');
    expect(JSON.stringify(resolved.blocks)).toContain('<https://v.example.com|Vitals>');
  });

  it('escapes mrkdwn control characters and lists at most 10 alerts', () => {
    const many = Array.from({ length: 12 }, (_, i) => alert(`<a${i}>`, 'firing'));
    const body = JSON.stringify(slackPayload(buildMessage(group, many), ''));
    expect(body).toContain('&lt;a0&gt;');
    expect(body).not.toContain('<a0>');
    expect(body).toContain('and 2 more');
  });
});

describe('email content', () => {
  it('has a one-line subject and text and HTML bodies listing the alerts', () => {
    const content = emailContent(buildMessage({ ...group, ruleName: 'Bad\r\nrule <b>' }, [alert('a', 'firing')]), '');
    expect(content.subject).toBe('[FIRING:1] Bad rule <b> (prod)');
    expect(content.text).toContain('FIRING CRITICAL a: a p95 920 ms');
    expect(content.html).toContain('Bad rule &lt;b&gt;');
  });
});
