import { canHandleAlerts, sessionOf } from './session';

const jwt = (claims: object) => `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.signature`;
const later = Math.floor(Date.now() / 1000) + 3600;

describe('sessionOf', () => {
  it('reads subject, roles, environments and expiry from the payload (base64url)', () => {
    // "?>" encodes to characters that differ between base64 and base64url.
    const token = jwt({ sub: 'olivia?>', roles: ['operator'], environments: ['prod', 'staging'], exp: later });
    expect(sessionOf(token)).toEqual({ token, subject: 'olivia?>', roles: ['operator'], environments: ['prod', 'staging'], expiresAt: later * 1000 });
  });

  it('takes "*" as every environment (the page then asks for one)', () => {
    expect(sessionOf(jwt({ sub: 'a', roles: ['admin'], environments: ['*'], exp: later }))).toMatchObject({ environments: [] });
  });

  it('says what is wrong with a token that cannot be used', () => {
    expect(sessionOf('not-a-token')).toBe('not a JWT: expected three dot-separated parts');
    expect(sessionOf('a.%%%.c')).toBe('not a JWT: its payload is not base64url JSON');
    expect(sessionOf(jwt({ sub: 'a', roles: ['viewer'], environments: ['prod'], exp: 1 }))).toBe('the token has expired');
  });

  it('offers alert actions to operators and admins only', () => {
    const as = (roles: string[]) => canHandleAlerts({ token: '', subject: 's', roles, environments: [], expiresAt: 0 });
    expect([as(['viewer']), as(['operator']), as(['admin']), as(['agent', 'viewer'])]).toEqual([false, true, true, false]);
  });
});
