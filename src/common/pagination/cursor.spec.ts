import { decodeCursor, encodeCursor } from './cursor';

describe('page cursors', () => {
  it('round-trip a time and an id, ids with colons included', () => {
    const key = { at: new Date('2026-12-02T01:02:03.456Z'), id: 'rule:a:b' };
    expect(decodeCursor(encodeCursor(key))).toEqual(key);
  });

  it('refuse text that is not a cursor', () => {
    for (const bad of ['', 'abc', Buffer.from('x:1').toString('base64url'), Buffer.from('12:').toString('base64url')])
      expect(decodeCursor(bad)).toBeUndefined();
  });
});
