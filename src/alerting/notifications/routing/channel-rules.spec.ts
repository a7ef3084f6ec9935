import { validateChannel } from './channel-rules';

const ok = { smtpConfigured: true };
const pathOf = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return (error as { extensions: { argumentPath: string }; code: string }).extensions.argumentPath;
  }
  return undefined;
};

describe('validateChannel', () => {
  it('accepts a webhook with a secret, a slack channel and an email channel', () => {
    expect(validateChannel({ name: ' hook ', kind: 'WEBHOOK', url: 'https://example.com/x', secret: 's'.repeat(16) }, ok)).toEqual({
      name: 'hook',
      kind: 'WEBHOOK',
      url: 'https://example.com/x',
      secret: 's'.repeat(16),
      sendResolved: true,
    });
    expect(validateChannel({ name: 's', kind: 'SLACK', url: 'https://hooks.slack.com/services/T/B/X', sendResolved: false }, ok).sendResolved).toBe(false);
    expect(validateChannel({ name: 'm', kind: 'EMAIL', to: ['a@example.com', 'a@example.com'] }, ok).to).toEqual(['a@example.com']);
  });

  it('names the bad field', () => {
    expect(pathOf(() => validateChannel({ name: '', kind: 'WEBHOOK', url: 'https://x.y' }, ok))).toBe('channel.name');
    expect(pathOf(() => validateChannel({ name: 'n', kind: 'WEBHOOK', url: 'ftp://x.y' }, ok))).toBe('channel.url');
    expect(pathOf(() => validateChannel({ name: 'n', kind: 'WEBHOOK' }, ok))).toBe('channel.url');
    expect(pathOf(() => validateChannel({ name: 'n', kind: 'WEBHOOK', url: 'http://x.y', secret: 'short' }, ok))).toBe('channel.secret');
    expect(pathOf(() => validateChannel({ name: 'n', kind: 'SLACK', url: 'http://x.y', secret: 's'.repeat(16) }, ok))).toBe('channel.secret');
    expect(pathOf(() => validateChannel({ name: 'n', kind: 'EMAIL', to: ['ok@x.y', 'not an address'] }, ok))).toBe('channel.to[1]');
    expect(pathOf(() => validateChannel({ name: 'n', kind: 'EMAIL', to: [] }, ok))).toBe('channel.to');
    expect(pathOf(() => validateChannel({ name: 'n', kind: 'EMAIL', to: ['a@x.y'] }, { smtpConfigured: false }))).toBe('channel.kind');
  });

  it('keeps the stored url and secret on update when omitted, and removes the secret for ""', () => {
    const current = { name: 'n', kind: 'WEBHOOK' as const, url: 'https://x.y/hook', secret: 'k'.repeat(20), sendResolved: true };
    expect(validateChannel({ name: 'n2', kind: 'WEBHOOK' }, { ...ok, current })).toMatchObject({ url: current.url, secret: current.secret });
    expect(validateChannel({ name: 'n2', kind: 'WEBHOOK', secret: '' }, { ...ok, current }).secret).toBeUndefined();
    expect(pathOf(() => validateChannel({ name: 'n2', kind: 'SLACK' }, { ...ok, current }))).toBe('channel.url');
  });
});
