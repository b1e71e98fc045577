/** What a figure reports over its repetitions: the spread, not only a typical value. */
export interface Spread {
  min: number;
  median: number;
  max: number;
  /** Every repetition's value, in the order measured. */
  values: number[];
}

/**
 * The value below which `fraction` of the samples lie, by the nearest-rank method (no interpolation):
 * the p90 of ten samples is the ninth smallest, a latency that was actually observed.
 */
export function percentile(samples: readonly number[], fraction: number): number {
  if (samples.length === 0) throw new Error('percentile of no samples');
  if (!(fraction > 0 && fraction <= 1)) throw new Error(`percentile fraction ${fraction} is not in (0, 1]`);
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil(fraction * sorted.length);
  return sorted[rank - 1] as number;
}

/** The median; with an even count, the mean of the two middle values. */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) throw new Error('median of no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new Error('spread of no values');
  return { min: Math.min(...values), median: median(values), max: Math.max(...values), values: [...values] };
}

/** Rounds for reading, not for arithmetic: three significant digits, at most `maxDecimals` decimals. */
export function round(value: number, maxDecimals = 3): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const digits = Math.max(0, Math.min(maxDecimals, 2 - Math.floor(Math.log10(Math.abs(value)))));
  return Number(value.toFixed(digits));
}
