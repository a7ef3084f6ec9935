import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';

/**
 * Blobs that are kept (sealed parts, rollup buckets, the series catalog, the ledger) are stored
 * as a brotli stream when that is smaller, behind four 0xff bytes: no framed blob (a uint32
 * header length) and no JSON text (UTF-8 has no 0xff byte) starts so, and a blob that does not
 * start so is read as it is, so blobs written before compression still read.
 */
const COMPRESSED = 0xffffffff;
/**
 * Quality 5 codes packed chunks within ~1% of quality 9's size at several times its speed
 * (~25 MB/s of input on this machine); decompression is fast at every quality (~200 MB/s of output).
 */
const QUALITY = 5;

export function compressBlob(bytes: Uint8Array): Buffer {
  const body = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } });
  if (4 + body.length >= bytes.length) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = Buffer.allocUnsafe(4 + body.length);
  out.writeUInt32LE(COMPRESSED, 0);
  body.copy(out, 4);
  return out;
}

/** The blob as it was given to compressBlob; throws "<what> is corrupt: …" on a damaged stream. */
export function decompressBlob(bytes: Uint8Array, what: string): Uint8Array {
  if (bytes.length < 4 || new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) !== COMPRESSED) return bytes;
  try {
    return brotliDecompressSync(bytes.subarray(4));
  } catch (error) {
    throw new Error(`${what} is corrupt: ${(error as Error).message}`, { cause: error });
  }
}
