import { RevokedTokens } from './revoked-tokens';

describe('RevokedTokens', () => {
  it('refuses by jti and by subject until `until`, and tells listeners of additions and refreshes', () => {
    const list = new RevokedTokens();
    let changes = 0;
    const stop = list.onChange(() => changes++);
    list.add({ jti: 'a' });
    list.add({ subject: 's', until: 1_000 });
    expect(list.refusal({ jti: 'a', sub: 'x' }, 5_000)).toBe('token revoked');
    expect(list.refusal({ sub: 's' }, 999)).toBe('tokens of this subject revoked');
    expect(list.refusal({ sub: 's' }, 1_000)).toBeUndefined();
    expect(list.refusal({ jti: 'b', sub: 'x' }, 0)).toBeUndefined();
    list.replace([{ jti: 'b' }]);
    expect(list.refusal({ jti: 'a', sub: 'x' }, 0)).toBeUndefined();
    expect(list.refusal({ jti: 'b', sub: 'x' }, 0)).toBe('token revoked');
    expect(changes).toBe(3);
    stop();
    list.add({ jti: 'c' });
    expect(changes).toBe(3);
  });
});
