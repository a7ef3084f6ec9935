import type uPlot from 'uplot';

/** uPlot's columns from each line's points (step start in ms -> value): the union of their steps in seconds, and each line's value at each (null where it has none). */
export function columns(lines: ReadonlyMap<number, number | null>[]): uPlot.AlignedData {
  const xs = [...new Set(lines.flatMap((points) => [...points.keys()]))].sort((a, b) => a - b);
  return [xs.map((t) => t / 1000), ...lines.map((points) => xs.map((t) => points.get(t) ?? null))];
}
