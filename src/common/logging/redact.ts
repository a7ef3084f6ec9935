/**
 * The password of every `scheme://user:password@host` in a text, masked: connection strings
 * (MONGODB_URI, REDIS_URL) reach logs inside configuration errors and driver messages. The
 * password runs to the authority's last `@`, so one holding an unescaped `@` is masked whole.
 */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@:]*):([^\s/?#]*)@/gi;

export const REDACTED = '***';

export function redactSecrets(text: string): string {
  return text.replace(USERINFO, `$1$2:${REDACTED}@`);
}
