// Small statistics of the micro-benchmarks (policy, server-kit token): one copy, imported by both.

/** The median of `v` (mean of the two middle values for an even count). */
export const median = (v: readonly number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** The value at fraction `p` (0–1) of the sorted `v` (nearest rank, lower). */
export const percentile = (v: readonly number[], p: number): number =>
  [...v].sort((a, b) => a - b)[Math.floor(v.length * p)] ?? 0;

/** `v` rounded to `d` decimals. */
export const round = (v: number, d = 3): number => Number(v.toFixed(d));
