/** Percentiles, medians and the other small sums every scenario reports. */

/** Nearest-rank percentile of an ascending array (`p` in 0..100); NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

export function median(values: number[]): number {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return Number.NaN;
  const mid = finite.length >> 1;
  return finite.length % 2 ? finite[mid]! : (finite[mid - 1]! + finite[mid]!) / 2;
}

export interface Distribution {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/** Summarizes samples (sorted in place when given a Float64Array). */
export function distribution(samples: Float64Array | number[]): Distribution {
  const sorted = samples instanceof Float64Array ? samples.sort() : Float64Array.from(samples).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    p999: percentile(sorted, 99.9),
    max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
  };
}

/** `1234.5` → `1,235`; small numbers keep one decimal. */
export function fmt(value: number | null | undefined, digits?: number): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  if (!Number.isFinite(value)) return String(value);
  const d = digits ?? (Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2);
  return value.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
}

/** Milliseconds as `850 ms` or `12.3 s`. */
export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '–';
  return Math.abs(ms) >= 10_000 ? `${fmt(ms / 1000, 1)} s` : `${fmt(ms, ms < 10 ? 1 : 0)} ms`;
}

export function fmtBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || Number.isNaN(bytes)) return '–';
  if (bytes >= 1e9) return `${fmt(bytes / 1e9, 2)} GB`;
  if (bytes >= 1e6) return `${fmt(bytes / 1e6, 1)} MB`;
  if (bytes >= 1e3) return `${fmt(bytes / 1e3, 1)} kB`;
  return `${fmt(bytes, 0)} B`;
}

/** `a / b` as `1.53×`, or `–` when either is missing. */
export function ratio(a: number | null | undefined, b: number | null | undefined): string {
  if (a == null || b == null || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return '–';
  return `${fmt(a / b, 2)}×`;
}
