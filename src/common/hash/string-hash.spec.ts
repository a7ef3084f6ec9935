import { fnv1a32, javaStringHash32 } from './string-hash';

describe('fnv1a32', () => {
  it('gives the published FNV-1a test vectors', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });
});

describe('javaStringHash32', () => {
  it("gives Java's String.hashCode, as an unsigned 32-bit integer", () => {
    expect(javaStringHash32('')).toBe(0);
    expect(javaStringHash32('a')).toBe(97);
    expect(javaStringHash32('hello')).toBe(99162322);
    // "foobar".hashCode() is -1268878963: it overflows, as in Java.
    expect(javaStringHash32('foobar')).toBe(-1268878963 >>> 0);
  });

  it('keeps the values snapshot shards were stored under', () => {
    expect(javaStringHash32('agent-1')).toBe(3233979241);
    expect(javaStringHash32('ägent-☃')).toBe(3532854142);
    expect(javaStringHash32('x'.repeat(100))).toBe(1680682496);
  });
});
