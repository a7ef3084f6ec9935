import { InvalidNotificationInput } from '../notifications.errors';

export type ChannelKindName = 'WEBHOOK' | 'SLACK' | 'EMAIL';

export interface ChannelInputLike {
  name: string;
  kind: ChannelKindName;
  url?: string | null;
  secret?: string | null;
  to?: string[] | null;
  sendResolved?: boolean | null;
}

/** A channel's settings as stored (secret included). */
export interface ChannelSettings {
  name: string;
  kind: ChannelKindName;
  url?: string;
  secret?: string;
  to?: string[];
  sendResolved: boolean;
}

export const CHANNEL_LIMITS = { nameLength: 100, urlLength: 2048, secretMin: 16, secretMax: 1024, recipients: 50, perEnvironment: 200 } as const;

/** Deliberately simple (what HTML's type=email accepts): the SMTP server is the judge of the rest. */
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/**
 * Checks a channel input and returns the settings to store. On update, `current` is the stored channel: an omitted
 * url or secret keeps the current one when the kind is unchanged (they are never shown, so clients cannot resend
 * them), and an empty secret removes it. `smtpConfigured`: EMAIL channels need SMTP_URL.
 */
export function validateChannel(input: ChannelInputLike, options: { smtpConfigured: boolean; current?: ChannelSettings }): ChannelSettings {
  const bad = (field: string, message: string): never => {
    throw new InvalidNotificationInput(`channel.${field}: ${message}`, `channel.${field}`);
  };
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (name.length === 0 || name.length > CHANNEL_LIMITS.nameLength) bad('name', `must be 1..${CHANNEL_LIMITS.nameLength} characters`);
  const kind = input.kind;
  const keep = options.current?.kind === kind ? options.current : undefined;
  const sendResolved = input.sendResolved ?? true;

  if (kind === 'EMAIL') {
    if (input.url != null) bad('url', 'EMAIL channels have no url');
    if (input.secret != null) bad('secret', 'only WEBHOOK channels are signed');
    if (!options.smtpConfigured) bad('kind', 'EMAIL channels need SMTP_URL in the service configuration');
    const to = input.to ?? [];
    if (to.length === 0 || to.length > CHANNEL_LIMITS.recipients) bad('to', `EMAIL channels need 1..${CHANNEL_LIMITS.recipients} addresses`);
    to.forEach((address, i) => {
      if (address.length > 254 || !EMAIL.test(address)) bad(`to[${i}]`, `${JSON.stringify(address)} is not an email address`);
    });
    return { name, kind, to: [...new Set(to)], sendResolved };
  }
  if (input.to != null) bad('to', `${kind} channels have no recipients`);
  const url = input.url ?? keep?.url ?? bad('url', `${kind} channels need a url`);
  if (url.length > CHANNEL_LIMITS.urlLength || !isHttpUrl(url))
    bad('url', `must be an http:// or https:// URL of at most ${CHANNEL_LIMITS.urlLength} characters`);
  if (kind === 'SLACK') {
    if (input.secret != null) bad('secret', 'only WEBHOOK channels are signed');
    return { name, kind, url, sendResolved };
  }
  if (kind !== 'WEBHOOK') bad('kind', `unknown kind ${JSON.stringify(kind)}`);
  const secret = input.secret === '' ? undefined : (input.secret ?? keep?.secret);
  if (secret !== undefined && (secret.length < CHANNEL_LIMITS.secretMin || secret.length > CHANNEL_LIMITS.secretMax)) {
    bad('secret', `must be ${CHANNEL_LIMITS.secretMin}..${CHANNEL_LIMITS.secretMax} characters`);
  }
  return { name, kind, url, ...(secret !== undefined ? { secret } : {}), sendResolved };
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}
