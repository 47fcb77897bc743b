/** One measured figure beside the limit it chases. */
export interface Figure {
  readonly name: string;
  readonly ours: number;
  /** The physical limit or peer measured in the same run (or a fixed budget). */
  readonly limit: number;
  readonly limitName: string;
  /** Largest (at-most) or smallest (at-least) acceptable ratio ours/limit. */
  readonly budget: number;
  readonly kind: 'at-most' | 'at-least';
  /** What explains the figure (for Lighthouse, the audits that cost points). */
  readonly notes?: readonly string[];
}

export function ratio(f: Figure): number {
  return f.limit === 0 ? Number.NaN : f.ours / f.limit;
}

export function withinBudget(f: Figure): boolean {
  const r = ratio(f);
  return f.kind === 'at-most' ? r <= f.budget : r >= f.budget;
}

/** The middle of the samples (the upper middle of an even count). */
export function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}

/** The sample at fraction `p` (0 to 1) of the way up the sorted samples (nearest rank, rounded down). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}
