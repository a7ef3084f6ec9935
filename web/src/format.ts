/** How long ago `iso` was, from the server's clock `now` (epoch ms). */
export function ago(iso: string | null, now: number): string {
  if (iso === null) return 'never';
  return `${duration(Math.max(0, now - Date.parse(iso)) / 1000)} ago`;
}

export function duration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} d`;
}

export const time = (iso: string) => new Date(iso).toISOString().replace('T', ' ').slice(0, 19);

export const labelText = (labels: { name: string; value: string }[]) => labels.map((l) => `${l.name}=${l.value}`).join(' ');

export const number = (value: number | null | undefined, digits = 1) => (value === null || value === undefined ? '–' : value.toFixed(digits));
