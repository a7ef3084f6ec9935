/**
 * The embedded FerretDB 1.24 (SQLite) keeps the read of each statement of an `update` command that matched an existing
 * document open until the whole command ends, each holding one of its 100 pooled SQLite connections, while each
 * statement's write needs one more: a bulk of 100 or more updates or replaces of existing documents never finishes,
 * and the exhausted pool stalls every other request (internal/handler/msg_update.go: a `defer` in the statements'
 * loop). Such bulks are therefore sent as several commands of at most this many statements, one after another.
 */
export const MAX_UPDATES_PER_COMMAND = 25;

/** `items` in consecutive slices of at most MAX_UPDATES_PER_COMMAND. */
export function updateBatches<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += MAX_UPDATES_PER_COMMAND) out.push(items.slice(i, i + MAX_UPDATES_PER_COMMAND));
  return out;
}
