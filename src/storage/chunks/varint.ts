/** Unsigned LEB128 varints for whole bytes (headers and lengths), valid up to 2^53. */

export function uvarintLength(x: number): number {
  let n = 1;
  while (x >= 128) {
    x = Math.floor(x / 128);
    n++;
  }
  return n;
}

/** Writes `x` at `at`; returns the offset after it. */
export function putUvarint(out: Uint8Array, at: number, x: number): number {
  while (x >= 128) {
    out[at++] = (x % 128) | 128;
    x = Math.floor(x / 128);
  }
  out[at++] = x;
  return at;
}

/** Reads a varint at `at`: [value, offset after it]; throws a RangeError when truncated or too long. */
export function getUvarint(bytes: Uint8Array, at: number): [number, number] {
  let x = 0;
  for (let weight = 1; ; weight *= 128) {
    if (at >= bytes.length || weight > 2 ** 49) throw new RangeError('varint is truncated or corrupt');
    const b = bytes[at++];
    x += (b & 127) * weight;
    if (b < 128) return [x, at];
  }
}
