export const ROLES = ['admin', 'operator', 'viewer', 'agent'] as const;
export type Role = (typeof ROLES)[number];

/** What an operation needs; each permission lists the roles that hold it (API.md role matrix). */
export const PERMISSIONS = {
  ingest: ['agent', 'admin'],
  read: ['viewer', 'operator', 'admin'],
  operate: ['operator', 'admin'],
  administer: ['admin'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

/** The verified JWT claims of a caller. */
export interface TokenClaims {
  sub: string;
  roles: Role[];
  environments: string[];
  /** Optional restriction for agent tokens: the agent ids they may ingest for. */
  agentIds?: string[];
  /** The token's id, by which one token can be revoked. */
  jti?: string;
  /** Issued and expiry times, in epoch seconds; the TokenVerifier requires `exp`. */
  iat?: number;
  exp?: number;
}

export class Principal {
  constructor(readonly claims: TokenClaims) {}

  get subject(): string {
    return this.claims.sub;
  }

  has(permission: Permission): boolean {
    const allowed: readonly Role[] = PERMISSIONS[permission];
    return this.claims.roles.some((role) => allowed.includes(role));
  }

  /** A token whose only role is `agent`: it may outlive TOKEN_MAX_LIFETIME_HOURS. */
  get agentOnly(): boolean {
    return this.claims.roles.every((role) => role === 'agent');
  }

  canAccessEnvironment(environment: string): boolean {
    return this.claims.environments.includes('*') || this.claims.environments.includes(environment);
  }

  /** Agent tokens that name agent ids may only ingest for those agents. */
  canIngestFor(agentId: string): boolean {
    const agentIds = this.claims.agentIds;
    return agentIds === undefined || this.claims.roles.includes('admin') || agentIds.includes(agentId);
  }
}

/** Checks the shape of a decoded token payload; returns a reason when it is unusable. */
export function parseClaims(payload: unknown): TokenClaims | string {
  if (typeof payload !== 'object' || payload === null) return 'token payload is not an object';
  const p = payload as Record<string, unknown>;
  if (typeof p.sub !== 'string' || p.sub.length === 0) return 'token has no "sub" claim';
  if (!isStringArray(p.roles) || p.roles.length === 0) return 'token has no "roles" claim';
  const unknownRole = p.roles.find((role) => !(ROLES as readonly string[]).includes(role));
  if (unknownRole !== undefined) return `token has unknown role "${unknownRole}"`;
  if (!isStringArray(p.environments) || p.environments.length === 0) return 'token has no "environments" claim';
  if (p.agentIds !== undefined && !isStringArray(p.agentIds)) return 'token "agentIds" claim must be a list of strings';
  if (p.jti !== undefined && (typeof p.jti !== 'string' || p.jti.length === 0)) return 'token "jti" claim must be a non-empty string';
  for (const time of ['iat', 'exp'] as const) {
    if (p[time] !== undefined && typeof p[time] !== 'number') return `token "${time}" claim must be a number`;
  }
  const claims: TokenClaims = { sub: p.sub, roles: p.roles as Role[], environments: p.environments };
  if (p.agentIds !== undefined) claims.agentIds = p.agentIds;
  if (p.jti !== undefined) claims.jti = p.jti;
  if (p.iat !== undefined) claims.iat = p.iat as number;
  if (p.exp !== undefined) claims.exp = p.exp as number;
  return claims;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}
