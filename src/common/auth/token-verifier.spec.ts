import { sign, SignOptions } from 'jsonwebtoken';
import { Unauthenticated } from './auth.errors';
import { RevokedTokens } from './revoked-tokens';
import { bearerToken, TokenVerifier } from './token-verifier';

const SECRET = 'a-test-secret-of-some-length';
const verifier = new TokenVerifier({ secret: SECRET, maxLifetimeHours: 24 });
const claims = { sub: 'u', roles: ['viewer'], environments: ['prod'] };
const signed = (payload: object, options: SignOptions = {}) => `Bearer ${sign(payload, SECRET, { algorithm: 'HS256', expiresIn: '1h', ...options })}`;

function refusal(authorization: unknown, by = verifier): Unauthenticated {
  try {
    by.principal(authorization);
  } catch (error) {
    return error as Unauthenticated;
  }
  throw new Error('accepted');
}

describe('bearerToken', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['  Bearer   abc extra', 'abc'],
  ])('reads %j as the token %j', (header, token) => expect(bearerToken(header)).toBe(token));

  it.each([[undefined], [''], ['Bearer'], ['Basic abc'], [42]])('finds no token in %j', (header) => expect(bearerToken(header)).toBeUndefined());
});

describe('TokenVerifier', () => {
  it('yields the Principal of a valid token', () => {
    const principal = verifier.principal(signed({ ...claims, jti: 't-1' }));
    expect(principal.subject).toBe('u');
    expect(principal.claims.jti).toBe('t-1');
    expect(principal.has('read')).toBe(true);
  });

  it('refuses a missing token, a bad signature, another algorithm, an expired token and bad claims, with the reason', () => {
    expect(refusal(undefined)).toMatchObject({ code: 'UNAUTHENTICATED', message: 'A valid bearer token is required: No auth token', reason: 'No auth token' });
    expect(refusal(`Bearer ${sign(claims, 'another-secret-entirely', { expiresIn: '1h' })}`)).toMatchObject({
      message: 'A valid bearer token is required: invalid signature',
    });
    expect(refusal(signed(claims, { algorithm: 'HS512' }))).toMatchObject({ reason: 'invalid algorithm' });
    expect(refusal(`Bearer ${sign({ ...claims, exp: 1 }, SECRET)}`)).toMatchObject({ reason: 'jwt expired' });
    expect(refusal(signed({ ...claims, roles: [] }))).toMatchObject({
      message: 'Invalid token: token has no "roles" claim',
      reason: 'token has no "roles" claim',
    });
    expect(refusal('Bearer nonsense')).toBeInstanceOf(Unauthenticated);
  });

  it('refuses a token without exp, whatever its roles', () => {
    for (const roles of [['viewer'], ['agent']]) {
      expect(refusal(`Bearer ${sign({ ...claims, roles }, SECRET)}`)).toMatchObject({
        code: 'UNAUTHENTICATED',
        message: 'Invalid token: token has no "exp" claim: every token must expire',
      });
    }
  });

  it('bounds the lifetime of user tokens, not of agent-only ones', () => {
    expect(verifier.principal(signed(claims, { expiresIn: '24h' })).subject).toBe('u');
    expect(refusal(signed(claims, { expiresIn: '25h' })).reason).toBe('token lives 25 h, longer than the 24 h allowed for user tokens');
    expect(refusal(signed({ ...claims, roles: ['agent', 'viewer'] }, { expiresIn: '30d' })).reason).toMatch(/longer than the 24 h/);
    // Without iat (or with one in the future) the lifetime counts from now.
    expect(refusal(signed(claims, { expiresIn: '25h', noTimestamp: true })).reason).toMatch(/longer than the 24 h/);
    expect(refusal(signed({ ...claims, iat: Math.floor(Date.now() / 1000) + 86_400 }, { expiresIn: '1h' })).reason).toMatch(/lives 25 h/);
    expect(verifier.principal(signed({ ...claims, roles: ['agent'] }, { expiresIn: '365d' })).agentOnly).toBe(true);
  });

  it('checks iss and aud when configured', () => {
    const strict = new TokenVerifier({ secret: SECRET, maxLifetimeHours: 24, issuer: 'vitals', audience: 'api' });
    expect(strict.principal(signed(claims, { issuer: 'vitals', audience: ['api', 'other'] })).subject).toBe('u');
    expect(refusal(signed(claims, { audience: 'api' }), strict).reason).toMatch(/jwt issuer invalid/);
    expect(refusal(signed(claims, { issuer: 'vitals', audience: 'someone-else' }), strict).reason).toMatch(/jwt audience invalid/);
    expect(verifier.principal(signed(claims, { issuer: 'anyone' })).subject).toBe('u');
  });

  it('refuses revoked tokens, by jti or subject, until the revocation ends or is lifted', () => {
    const revoked = new RevokedTokens();
    const checked = new TokenVerifier({ secret: SECRET, maxLifetimeHours: 24 }, revoked);
    const token = signed({ ...claims, jti: 'j1' });
    const other = signed({ ...claims, jti: 'j2' });
    revoked.add({ jti: 'j1' });
    expect(refusal(token, checked)).toMatchObject({ message: 'Invalid token: token revoked' });
    expect(checked.principal(other).subject).toBe('u');
    revoked.remove({ jti: 'j1' });
    expect(checked.principal(token).subject).toBe('u');
    revoked.replace([{ subject: 'u', until: Date.now() + 60_000 }]);
    expect(refusal(other, checked).reason).toBe('tokens of this subject revoked');
    revoked.replace([{ subject: 'u', until: Date.now() - 1 }]);
    expect(checked.principal(other).subject).toBe('u');
  });
});
