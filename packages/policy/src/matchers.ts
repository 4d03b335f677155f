import picomatch from 'picomatch';

/** A compiled name test. */
export type Matcher = (value: string) => boolean;

/**
 * Glob options: `bash` makes `*` match across `/` (subjects and tool names are not paths), `dot` lets it
 * match a leading dot. Matching is case-sensitive.
 */
const GLOB_OPTIONS = { bash: true, dot: true } as const;

/**
 * Compiles glob patterns into one matcher (any pattern may match). Literal patterns are a `Set` lookup.
 * `undefined` patterns (field omitted) and a lone `*` compile to `undefined`: the field matches anything.
 * @throws Error from picomatch for a malformed pattern.
 */
export function globMatcher(patterns: readonly string[] | undefined): Matcher | undefined {
  if (patterns === undefined || patterns.includes('*') || patterns.includes('**')) return undefined;
  const exact = new Set(patterns.filter((p) => !picomatch.scan(p).isGlob));
  const globs = patterns.filter((p) => !exact.has(p));
  if (globs.length === 0) return exact.size === 1 ? equals([...exact][0] ?? '') : (v) => exact.has(v);
  // One regular expression for every glob of the field: a single test() per value, no result objects.
  const re = new RegExp(globs.map((p) => `(?:${picomatch.makeRe(p, GLOB_OPTIONS).source})`).join('|'));
  return exact.size === 0 ? (value) => re.test(value) : (value) => exact.has(value) || re.test(value);
}

function equals(expected: string): Matcher {
  return (value) => value === expected;
}

/** Whether `held` contains at least one of `wanted`. */
export function holdsAny(held: readonly string[], wanted: readonly string[]): boolean {
  return wanted.some((w) => held.includes(w));
}

/** Whether `held` contains every one of `wanted` (no allocation). */
export function holdsAll(held: readonly string[], wanted: readonly string[]): boolean {
  for (const w of wanted) if (!held.includes(w)) return false;
  return true;
}

/** The entries of `wanted` missing from `held`, in order. */
export function missingFrom(held: readonly string[], wanted: readonly string[]): string[] {
  return wanted.filter((w) => !held.includes(w));
}
