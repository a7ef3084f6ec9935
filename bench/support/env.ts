/** A benchmark parameter from the environment: `fallback` when unset or empty; throws unless a number >= 0 (> 0 when `positive`). */
export function envNumber(name: string, fallback: number, { positive = false } = {}): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value < 0 || (positive && value === 0)) throw new Error(`${name} must be a ${positive ? 'positive' : 'non-negative'} number`);
  return value;
}
