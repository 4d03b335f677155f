/**
 * Upper bounds (ms, inclusive) of the fixed latency histogram each minute bucket keeps; the last bin is
 * everything above the last bound. 12 integers per bucket, whatever the traffic.
 */
export const LATENCY_BOUNDS_MS: readonly number[] = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

/** Number of histogram bins (`LATENCY_BOUNDS_MS.length + 1`). */
export const LATENCY_BINS = LATENCY_BOUNDS_MS.length + 1;

/** The bin a duration in ms falls in. */
export function latencyBin(durationMs: number): number {
  const i = LATENCY_BOUNDS_MS.findIndex((bound) => durationMs <= bound);
  return i === -1 ? LATENCY_BOUNDS_MS.length : i;
}

/** An all-zero histogram. */
export function emptyHistogram(): number[] {
  return new Array<number>(LATENCY_BINS).fill(0);
}

/** Bin-wise sum of histograms. */
export function mergeHistograms(histograms: readonly (readonly number[])[]): number[] {
  const out = emptyHistogram();
  for (const h of histograms) for (let i = 0; i < LATENCY_BINS; i++) out[i] = (out[i] ?? 0) + (h[i] ?? 0);
  return out;
}

/**
 * The `q` quantile (0..1) of a histogram in ms, linearly interpolated inside its bin (the open last bin
 * answers its lower bound); `null` without samples.
 */
export function quantile(histogram: readonly number[], q: number): number | null {
  const total = histogram.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    const n = histogram[i] ?? 0;
    if (n > 0 && seen + n >= rank) {
      const lower = i === 0 ? 0 : (LATENCY_BOUNDS_MS[i - 1] ?? 0);
      const upper = LATENCY_BOUNDS_MS[i];
      if (upper === undefined) return lower;
      return Math.round(lower + ((upper - lower) * Math.max(0, rank - seen)) / n);
    }
    seen += n;
  }
  return LATENCY_BOUNDS_MS.at(-1) ?? null;
}
