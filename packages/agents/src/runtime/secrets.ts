import { AgentsConfigError } from '../errors.js';

/** What a detected credential looks like. */
export type SecretKind =
  | 'private_key'
  | 'openai_key'
  | 'aws_access_key'
  | 'github_token'
  | 'slack_token'
  | 'jwt'
  | 'configured_secret';

const PATTERNS: readonly { readonly kind: SecretKind; readonly re: RegExp }[] = [
  {
    kind: 'private_key',
    re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----|$)/g,
  },
  { kind: 'openai_key', re: /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g },
  { kind: 'aws_access_key', re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
  { kind: 'github_token', re: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g },
  { kind: 'slack_token', re: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g },
  { kind: 'jwt', re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
];

/** Shortest configured secret value accepted (shorter values would redact ordinary words). */
export const MIN_CONFIGURED_SECRET_LENGTH = 8;

/** A text with its credentials replaced by `[REDACTED:<kind>]`, and the kinds found (sorted, unique). */
export interface Redaction {
  readonly text: string;
  readonly kinds: readonly SecretKind[];
}

/** Finds and redacts credentials: common key formats plus the configured secret values. */
export interface SecretScanner {
  /** Kinds of credentials in `text` (sorted, unique; empty when none). */
  find(text: string): readonly SecretKind[];
  redact(text: string): Redaction;
  /** `value` with every string inside (object values, array items) redacted; other values unchanged. */
  redactDeep<T>(value: T): T;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function configuredPattern(values: readonly string[]): RegExp | undefined {
  values.forEach((v, i) => {
    if (typeof v !== 'string' || v.length < MIN_CONFIGURED_SECRET_LENGTH)
      throw new AgentsConfigError(
        `guardrails.secretValues[${i}] must be a string of at least ${MIN_CONFIGURED_SECRET_LENGTH} characters (got ${typeof v === 'string' ? `${v.length} characters` : typeof v})`,
      );
  });
  if (values.length === 0) return undefined;
  const sorted = [...new Set(values)].sort((a, b) => b.length - a.length);
  return new RegExp(sorted.map(escapeRegExp).join('|'), 'g');
}

/**
 * A {@link SecretScanner} over the built-in patterns (OpenAI `sk-`, AWS `AKIA`/`ASIA`, GitHub `ghp_`…,
 * Slack `xox?-`, PEM private key blocks, JWTs) and `secretValues` (exact values, e.g. resolved secret
 * references). @throws AgentsConfigError `CONFIG_INVALID` for a configured value under 8 characters.
 */
export function createSecretScanner(secretValues: readonly string[] = []): SecretScanner {
  const patterns = [...PATTERNS];
  const configured = configuredPattern(secretValues);
  if (configured) patterns.unshift({ kind: 'configured_secret', re: configured });
  const redact = (text: string): Redaction => {
    const kinds = new Set<SecretKind>();
    let out = text;
    for (const { kind, re } of patterns) {
      out = out.replace(re, () => {
        kinds.add(kind);
        return `[REDACTED:${kind}]`;
      });
    }
    return { text: out, kinds: [...kinds].sort() };
  };
  const redactDeep = <T>(value: T): T => deepMap(value, (s) => redact(s).text);
  return { redact, find: (text) => redact(text).kinds, redactDeep };
}

function deepMap<T>(value: T, fn: (s: string) => string): T {
  if (typeof value === 'string') return fn(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => deepMap(v, fn)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = deepMap(v, fn);
    return out as T;
  }
  return value;
}
