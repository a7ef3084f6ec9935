import type { ComparisonOperator } from './rule-definition';

/** Whether `value` breaches `threshold` under the operator. NaN never breaches. */
export function breaches(operator: ComparisonOperator, value: number, threshold: number): boolean {
  switch (operator) {
    case 'GT':
      return value > threshold;
    case 'GTE':
      return value >= threshold;
    case 'LT':
      return value < threshold;
    case 'LTE':
      return value <= threshold;
    case 'EQ':
      return value === threshold;
    case 'NEQ':
      return !Number.isNaN(value) && value !== threshold;
  }
}

/**
 * Whether a firing condition has cleared. With hysteresis (a clear threshold on the safe side of
 * the threshold), a value between the two keeps firing: "above 800 fires, below 700 resolves".
 */
export function clears(operator: ComparisonOperator, value: number, threshold: number, clearThreshold: number | undefined): boolean {
  if (Number.isNaN(value)) return true;
  if (clearThreshold === undefined) return !breaches(operator, value, threshold);
  switch (operator) {
    case 'GT':
    case 'GTE':
      return value < clearThreshold;
    case 'LT':
    case 'LTE':
      return value > clearThreshold;
    default:
      return !breaches(operator, value, threshold);
  }
}

/** Whether a clear threshold lies on the safe side of the threshold (for the operators that have one). */
export function isSafeSide(operator: ComparisonOperator, threshold: number, clearThreshold: number): boolean {
  if (operator === 'GT' || operator === 'GTE') return clearThreshold <= threshold;
  if (operator === 'LT' || operator === 'LTE') return clearThreshold >= threshold;
  return false;
}
