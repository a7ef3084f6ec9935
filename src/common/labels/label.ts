/** A label of an agent or a series, as the engine keeps it: user strings are values, never keys. */
export interface Label {
  name: string;
  value: string;
}
