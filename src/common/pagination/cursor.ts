/**
 * Opaque page cursors: the sort key of the last item of a page (a time and an id), so the
 * next page starts strictly after it however many items were added in between.
 */
export interface CursorKey {
  at: Date;
  id: string;
}

export function encodeCursor({ at, id }: CursorKey): string {
  return Buffer.from(`${at.getTime()}:${id}`, 'utf8').toString('base64url');
}

/** The key of a cursor, or undefined when it is not one this service issued. */
export function decodeCursor(cursor: string): CursorKey | undefined {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const colon = text.indexOf(':');
  const ms = Number(text.slice(0, colon));
  if (colon < 1 || !Number.isSafeInteger(ms) || colon === text.length - 1) return undefined;
  return { at: new Date(ms), id: text.slice(colon + 1) };
}
