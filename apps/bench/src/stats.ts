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

/** A figure measured once per round: its median and the range it moved in. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  /** How many rounds (or samples) it is taken over. */
  count: number;
}

/** The spread of some measurements; missing ones (NaN) are left out. */
export function spread(values: readonly number[]): Spread {
  const present = values.filter((value) => Number.isFinite(value));
  if (present.length === 0)
    return { median: Number.NaN, min: Number.NaN, max: Number.NaN, count: 0 };
  return {
    median: median(present),
    min: Math.min(...present),
    max: Math.max(...present),
    count: present.length,
  };
}

/**
 * One figure per round from two series measured in the same rounds (`values[i]` and
 * `references[i]` come from round i), e.g. oncely ÷ bare of each round.
 */
export function paired(
  values: readonly (number | undefined)[],
  references: readonly (number | undefined)[],
  combine: (value: number, reference: number) => number,
): Spread {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    const reference = references[i];
    if (value === undefined || reference === undefined) continue;
    out.push(combine(value, reference));
  }
  return spread(out);
}

export const divide = (value: number, reference: number): number => ratio(value, reference);
export const subtract = (value: number, reference: number): number => value - reference;

/** "0.55 (0.52–1.18)": the median, then min–max; ratios with a ×. */
export function formatSpread(value: Spread | undefined, digits = 0, unit = ''): string {
  if (!value || value.count === 0) return 'n/a';
  const f = (v: number) => `${formatNumber(v, digits)}${unit}`;
  return value.count === 1
    ? f(value.median)
    : `${f(value.median)} (${f(value.min)}–${f(value.max)})`;
}

export function formatRatioSpread(value: Spread | undefined): string {
  return formatSpread(value, 2, '×');
}
