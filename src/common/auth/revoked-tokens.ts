/** A revoked token (by `jti`) or every token of a subject (by `sub`), until a time or for good. */
export interface Revocation {
  jti?: string;
  subject?: string;
  /** Epoch ms after which the revocation no longer applies; absent: until it is lifted. */
  until?: number;
}

/**
 * The revocation list the TokenVerifier consults on every token: kept in memory, filled and
 * refreshed from the database by the module that owns it (common/ knows no storage). Listeners
 * hear of every change, so open WebSockets can be closed when their token is revoked.
 */
export class RevokedTokens {
  private byJti = new Map<string, number>();
  private bySubject = new Map<string, number>();
  private readonly listeners = new Set<() => void>();

  /** Replaces the whole list (a refresh from the database). */
  replace(revocations: readonly Revocation[]): void {
    this.byJti = new Map();
    this.bySubject = new Map();
    for (const revocation of revocations) this.set(revocation);
    this.changed();
  }

  add(revocation: Revocation): void {
    this.set(revocation);
    this.changed();
  }

  remove(revocation: Pick<Revocation, 'jti' | 'subject'>): void {
    if (revocation.jti !== undefined) this.byJti.delete(revocation.jti);
    if (revocation.subject !== undefined) this.bySubject.delete(revocation.subject);
  }

  /** Why a token with these claims is refused at `now`, or undefined when it is not revoked. */
  refusal(claims: { jti?: string; sub: string }, now: number): string | undefined {
    if (claims.jti !== undefined && (this.byJti.get(claims.jti) ?? -Infinity) > now) return 'token revoked';
    if ((this.bySubject.get(claims.sub) ?? -Infinity) > now) return 'tokens of this subject revoked';
    return undefined;
  }

  /** Calls `listener` after every change; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set({ jti, subject, until }: Revocation): void {
    const end = until ?? Infinity;
    if (jti !== undefined) this.byJti.set(jti, end);
    if (subject !== undefined) this.bySubject.set(subject, end);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
