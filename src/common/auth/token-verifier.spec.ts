import { sign } from 'jsonwebtoken';
import { Unauthenticated } from './auth.errors';
import { bearerToken, TokenVerifier } from './token-verifier';

const SECRET = 'a-test-secret-of-some-length';
const verifier = new TokenVerifier({ jwtSecret: SECRET });
const claims = { sub: 'u', roles: ['viewer'], environments: ['prod'] };

function refusal(authorization: unknown): Unauthenticated {
  try {
    verifier.principal(authorization);
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
    const principal = verifier.principal(`Bearer ${sign(claims, SECRET, { algorithm: 'HS256' })}`);
    expect(principal.subject).toBe('u');
    expect(principal.has('read')).toBe(true);
  });

  it('refuses a missing token, a bad signature, another algorithm, an expired token and bad claims, with the reason', () => {
    expect(refusal(undefined)).toMatchObject({ code: 'UNAUTHENTICATED', message: 'A valid bearer token is required: No auth token', reason: 'No auth token' });
    expect(refusal(`Bearer ${sign(claims, 'another-secret-entirely')}`)).toMatchObject({ message: 'A valid bearer token is required: invalid signature' });
    expect(refusal(`Bearer ${sign(claims, SECRET, { algorithm: 'HS512' })}`)).toMatchObject({ reason: 'invalid algorithm' });
    expect(refusal(`Bearer ${sign({ ...claims, exp: 1 }, SECRET)}`)).toMatchObject({ reason: 'jwt expired' });
    expect(refusal(`Bearer ${sign({ ...claims, roles: [] }, SECRET)}`)).toMatchObject({
      message: 'Invalid token: token has no "roles" claim',
      reason: 'token has no "roles" claim',
    });
    expect(refusal('Bearer nonsense')).toBeInstanceOf(Unauthenticated);
  });
});
