/** The median of some numbers (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** `value / reference`, or NaN when either is missing. */
export function ratio(value: number | undefined, reference: number | undefined): number {
  if (value === undefined || reference === undefined || !(reference > 0)) return Number.NaN;
  return value / reference;
}

/** A figure with sensible precision for a table. */
export function formatNumber(value: number | undefined, digits = 0): string {
  if (value === undefined || Number.isNaN(value)) return 'n/a';
  return value.toLocaleString('en-US', {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  });
}

export function formatRatio(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return 'n/a';
  return `${value.toFixed(2)}×`;
}
