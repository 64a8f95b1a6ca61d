/** Nearest-rank percentile (p in 0–100) of a sample; NaN for an empty one. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** The median of the repetitions: what every figure of the bench reports. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Rounds for display and for the results file, keeping small values readable. */
export function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** What a ratio of two sides measured back to back, repetition by repetition, is reported as. */
export interface PairedRatio {
  /** One ratio per repetition pair, in the order measured. */
  readonly pairs: number[];
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/**
 * The ratio of two things measured in pairs: `numerators[i] / denominators[i]` for each pair, then
 * the median of those ratios with their spread; never the ratio of two medians picked apart.
 */
export function pairedRatio(numerators: readonly number[], denominators: readonly number[]): PairedRatio {
  if (numerators.length !== denominators.length) throw new Error(`${numerators.length} numerators for ${denominators.length} denominators`);
  const pairs = numerators.map((value, index) => value / denominators[index]);
  return { pairs, median: median(pairs), min: Math.min(...pairs), max: Math.max(...pairs) };
}

/** A paired ratio as a percentage: the median, then the range over the pairs when there are several. */
export function formatRatio({ pairs, median: middle, min, max }: PairedRatio): string {
  const percent = (value: number) => `${round(value * 100, 1)} %`;
  return pairs.length > 1 ? `${percent(middle)} (pairs: ${percent(min)} – ${percent(max)})` : percent(middle);
}

/** The order of two sides in repetition `rep` (from 1): they take turns at going first. */
export function alternate<T>(rep: number, first: T, second: T): [T, T] {
  return rep % 2 === 1 ? [first, second] : [second, first];
}
