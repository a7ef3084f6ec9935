import { Inject, Injectable } from '@nestjs/common';
import { createTransport } from 'nodemailer';
import { Clock, CLOCK } from '../../common/clock/clock';
import { AppConfig } from '../../common/config/app-config';
import { NotificationChannelDoc } from '../../storage/schemas/notification-channel.schema';
import { emailContent } from './payloads/email-message';
import { slackPayload } from './payloads/slack-payload';
import { signatureHeaders, webhookPayload } from './payloads/webhook-payload';
import { NotificationMessage } from './routing/notification-message';

/** A failed attempt; `permanent` when retrying cannot help (a 4xx answer other than 408 and 429, as Alertmanager decides). */
export class DeliveryFailure extends Error {
  constructor(
    message: string,
    readonly responseStatus?: number,
    readonly permanent = false,
  ) {
    super(message);
  }
}

/** Header carrying the delivery id, the same on every retry of one delivery, so receivers can drop duplicates. */
export const DELIVERY_HEADER = 'X-Vitals-Delivery';
const USER_AGENT = 'Vitals-Notifications/1';
const ERROR_BODY_CHARS = 200;

/** Renders a message for a channel's kind and sends it once, within `signal` (the attempt timeout, or shutdown). */
@Injectable()
export class ChannelSender {
  constructor(
    private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Resolves with the HTTP status (or 250 for accepted mail); throws DeliveryFailure. */
  async send(channel: NotificationChannelDoc, message: NotificationMessage, deliveryId: string, signal: AbortSignal): Promise<number> {
    const externalURL = this.config.NOTIFY_EXTERNAL_URL ?? '';
    if (channel.kind === 'EMAIL') return this.sendMail(channel, message, externalURL, signal);
    const body = JSON.stringify(
      channel.kind === 'SLACK' ? slackPayload(message, externalURL) : webhookPayload(message, { receiver: channel.name, externalURL }),
    );
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': USER_AGENT, [DELIVERY_HEADER]: deliveryId };
    if (channel.kind === 'WEBHOOK' && channel.secret !== undefined) Object.assign(headers, signatureHeaders(channel.secret, body, this.clock.now()));
    let response: Response;
    try {
      response = await fetch(channel.url as string, { method: 'POST', body, headers, signal, redirect: 'manual' });
    } catch (error) {
      throw new DeliveryFailure(describeFetchError(error, signal));
    }
    const text = await response.text().catch(() => '');
    if (response.status >= 200 && response.status < 300) return response.status;
    const permanent = response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429;
    throw new DeliveryFailure(`HTTP ${response.status}: ${text.slice(0, ERROR_BODY_CHARS)}`.trim(), response.status, permanent);
  }

  private async sendMail(channel: NotificationChannelDoc, message: NotificationMessage, externalURL: string, signal: AbortSignal): Promise<number> {
    if (this.config.SMTP_URL === undefined) throw new DeliveryFailure('SMTP_URL is not configured', undefined, true);
    const timeoutMs = this.config.NOTIFY_TIMEOUT_SECONDS * 1000;
    // One connection per attempt: notification mail is rare, and a pooled connection would outlive a shutdown.
    const transport = createTransport({ url: this.config.SMTP_URL, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs });
    let onAbort = () => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(new DeliveryFailure(describeFetchError(signal.reason, signal)));
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const content = emailContent(message, externalURL);
      const sent = transport.sendMail({ from: this.config.SMTP_FROM, to: channel.to, subject: content.subject, text: content.text, html: content.html });
      const info = await Promise.race([sent, aborted]);
      return Number(/^(\d{3})/.exec(info.response ?? '')?.[1] ?? 250);
    } catch (error) {
      if (error instanceof DeliveryFailure) throw error;
      const code = Number((error as { responseCode?: number }).responseCode) || undefined;
      // SMTP 5xx answers are permanent (bad recipient, refused), 4xx are worth retrying.
      throw new DeliveryFailure(`SMTP: ${(error as Error).message}`, code, code !== undefined && code >= 500);
    } finally {
      signal.removeEventListener('abort', onAbort);
      transport.close();
    }
  }
}

function describeFetchError(error: unknown, signal: AbortSignal): string {
  if (signal.aborted) {
    const reason = signal.reason as Error | undefined;
    return reason?.name === 'TimeoutError' ? 'timed out' : `aborted: ${reason?.message ?? 'shutdown'}`;
  }
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return `request failed: ${cause?.code ?? cause?.message ?? (error as Error).message}`;
}
