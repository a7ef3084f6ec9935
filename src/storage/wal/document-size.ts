/**
 * MongoDB refuses a document over 16 MiB (BSON): blobs the service writes stay below this,
 * leaving room for the document's other fields.
 */
export const MAX_DOCUMENT_BYTES = 15 * 1024 * 1024;

/** Items and their encoding as one document's blob. */
export interface Piece<T> {
  items: T[];
  blob: Buffer;
}

/**
 * `items` encoded in order as few blobs of at most `maxBytes` as halving finds: a group that
 * does not fit is halved; an item that does not fit alone is replaced by the two halves
 * `splitItem` makes of it, or refused when it cannot be split. Encodes once when all fits.
 */
export function encodeInPieces<T>(
  items: T[],
  encode: (items: T[]) => Buffer,
  maxBytes: number = MAX_DOCUMENT_BYTES,
  splitItem?: (item: T) => [T, T] | undefined,
): Piece<T>[] {
  const blob = encode(items);
  if (blob.length <= maxBytes || items.length === 0) return [{ items, blob }];
  const halves = items.length > 1 ? [items.slice(0, items.length >> 1), items.slice(items.length >> 1)] : splitItem?.(items[0])?.map((half) => [half]);
  if (halves === undefined) throw new Error(`An item of ${blob.length} bytes does not fit a document of ${maxBytes} bytes and cannot be split`);
  return halves.flatMap((half) => encodeInPieces(half, encode, maxBytes, splitItem));
}
