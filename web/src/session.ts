/** The signed-in operator: the pasted token and what its claims allow. */

export interface Session {
  token: string;
  subject: string;
  roles: string[];
  /** the environments the token names; empty when it holds every one ("*") */
  environments: string[];
  expiresAt: number;
}

/** Reads the claims without verifying them: the server verifies on every request, the page only adapts to them. */
export function sessionOf(token: string): Session | string {
  const payload = token.split('.')[1];
  if (payload === undefined) return 'not a JWT: expected three dot-separated parts';
  let claims: { sub?: unknown; roles?: unknown; environments?: unknown; exp?: unknown };
  try {
    claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as typeof claims;
  } catch {
    return 'not a JWT: its payload is not base64url JSON';
  }
  const strings = (value: unknown) => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
  const environments = strings(claims.environments);
  const expiresAt = typeof claims.exp === 'number' ? claims.exp * 1000 : 0;
  if (expiresAt <= Date.now()) return 'the token has expired';
  return {
    token,
    subject: typeof claims.sub === 'string' ? claims.sub : '?',
    roles: strings(claims.roles),
    environments: environments.includes('*') ? [] : environments,
    expiresAt,
  };
}

export const canHandleAlerts = (session: Session) => session.roles.some((role) => role === 'operator' || role === 'admin');
