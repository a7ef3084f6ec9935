import { seededRandom } from '../../../test/support/seeded-random';
import { compressBlob, decompressBlob } from './blob-compression';

describe('compressBlob / decompressBlob', () => {
  const json = Buffer.from(JSON.stringify(Array.from({ length: 500 }, (_, i) => [i, 'prod', 'cpu.user', `host-${i}`, ['region', 'eu']])));

  it('gives back what it was given, compressed when that is smaller', () => {
    const compressed = compressBlob(json);
    expect(compressed.length).toBeLessThan(json.length / 5);
    expect(Buffer.from(decompressBlob(compressed, 'catalog'))).toEqual(json);
    const random = seededRandom(5);
    const noise = Uint8Array.from({ length: 300 }, () => Math.floor(random() * 256));
    expect(Buffer.from(compressBlob(noise))).toEqual(Buffer.from(noise));
    expect(Buffer.from(decompressBlob(compressBlob(new Uint8Array(0)), 'x'))).toEqual(Buffer.alloc(0));
  });

  it('reads blobs stored before compression as they are', () => {
    expect(decompressBlob(json, 'catalog')).toBe(json);
    const framed = Uint8Array.from([3, 0, 0, 0, 0x5b, 0x5d, 0x20]);
    expect(decompressBlob(framed, 'part')).toBe(framed);
  });

  it('names the blob when its stream is damaged', () => {
    const damaged = Buffer.from(compressBlob(json));
    damaged.fill(0x55, 4, 30);
    expect(() => decompressBlob(damaged, 'series catalog')).toThrow(/series catalog is corrupt/);
  });
});
