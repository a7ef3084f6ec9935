/**
 * 32-bit string hashes, unsigned, stable across processes and versions (unlike any built-in
 * hash). Both place stored data, so neither may change, and one cannot replace the other:
 * a different value would look for an agent's data where it was never written.
 */

/** FNV-1a: the page of a part that holds an agent's series. */
export function fnv1a32(s: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) hash = Math.imul(hash ^ s.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** Java's String.hashCode (h * 31 + c over UTF-16 units): the snapshot shard that holds an agent. */
export function javaStringHash32(s: string): number {
  let hash = 0;
  for (let i = 0; i < s.length; i++) hash = (hash * 31 + s.charCodeAt(i)) | 0;
  return hash >>> 0;
}
