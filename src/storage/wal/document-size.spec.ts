import { encodeInPieces } from './document-size';

const json = (items: unknown[]) => Buffer.from(JSON.stringify(items));

describe('encodeInPieces', () => {
  it('keeps items that fit as one piece, encoded once', () => {
    const encode = jest.fn(json);
    expect(encodeInPieces([1, 2, 3], encode, 100)).toEqual([{ items: [1, 2, 3], blob: json([1, 2, 3]) }]);
    expect(encode).toHaveBeenCalledTimes(1);
  });

  it('halves groups until every piece fits, in order', () => {
    const items = Array.from({ length: 10 }, (_, i) => 'x'.repeat(10) + i);
    const pieces = encodeInPieces(items, json, 50);
    expect(pieces.flatMap((p) => p.items)).toEqual(items);
    expect(pieces.every((p) => p.blob.length <= 50)).toBe(true);
    expect(pieces.length).toBeGreaterThan(1);
  });

  it('splits an item too big alone with splitItem, and refuses one that cannot be split', () => {
    const split = (s: string): [string, string] | undefined => (s.length > 1 ? [s.slice(0, s.length >> 1), s.slice(s.length >> 1)] : undefined);
    const pieces = encodeInPieces(['a'.repeat(100)], json, 30, split);
    expect(pieces.flatMap((p) => p.items).join('')).toBe('a'.repeat(100));
    expect(pieces.every((p) => p.blob.length <= 30)).toBe(true);
    expect(() => encodeInPieces(['a'.repeat(100)], json, 30)).toThrow('cannot be split');
  });
});
