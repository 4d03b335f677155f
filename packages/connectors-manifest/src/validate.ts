import type { z } from 'zod';
import { ManifestValidationError, type ManifestIssue } from './errors.js';
import { VERBATIM_MESSAGES } from './messages.js';
import { ManifestSchema, type Manifest } from './schema.js';

/** Path segments whose values may be secret or secret-adjacent: never echoed in messages. */
const HIDDEN_VALUE_KEYS = new Set(['secretRef', 'headers', 'secret', 'privateJwk', 'd', 'env', 'args']);

/** Formats a Zod path as `connectors[2].quotas.perHour`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, seg) => {
    if (typeof seg === 'number') return `${out}[${seg}]`;
    const key = String(seg);
    return /^[A-Za-z_$][\w$]*$/.test(key) ? (out ? `${out}.${key}` : key) : `${out}[${JSON.stringify(key)}]`;
  }, '');
}

function preview(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? typeof value;
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** `transport` matching no connector kind: list the kinds (the input is the whole entry). */
function describeNoMatch(issue: z.core.$ZodIssueInvalidUnion): string {
  const options = (issue as { options?: unknown[] }).options ?? [];
  const kinds = options.filter((o): o is string => typeof o === 'string').map((o) => JSON.stringify(o));
  const discriminator = (issue as { discriminator?: string }).discriminator;
  const input = issue.input as Record<string, unknown> | undefined;
  const got = discriminator !== undefined && input ? preview(input[discriminator]) : 'nothing';
  return `must be one of ${kinds.join(', ')} (got ${got})`;
}

/** A record key that fails its schema: the key's own rule (the path already names the key). */
function describeKey(issue: z.core.$ZodIssueInvalidKey): string {
  return issue.issues[0]?.message ?? 'is not a valid key';
}

function describe(issue: z.core.$ZodIssue): string {
  const hidden = issue.path.some((seg) => HIDDEN_VALUE_KEYS.has(String(seg)));
  if (issue.code === 'custom' || VERBATIM_MESSAGES.has(issue.message)) return issue.message;
  if (issue.code === 'invalid_key') return describeKey(issue);
  if (issue.code === 'invalid_union' && issue.errors.length === 0 && 'note' in issue)
    return describeNoMatch(issue);
  if (issue.code === 'unrecognized_keys')
    return `has unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  const base = issue.message.replace(/^Invalid input: /, '').replace(/^Invalid /, 'invalid ');
  const input = 'input' in issue ? issue.input : undefined;
  const got = hidden && input !== undefined ? 'value hidden' : `got ${preview(input)}`;
  return `${base.charAt(0).toLowerCase()}${base.slice(1)} (${got})`;
}

/** Converts Zod issues to path-named {@link ManifestIssue}s, never echoing secret-adjacent values. */
export function toManifestIssues(issues: readonly z.core.$ZodIssue[]): ManifestIssue[] {
  return issues.map((issue) => ({ path: formatPath(issue.path), message: describe(issue) }));
}

/** Result of {@link safeParseManifest}. */
export type ManifestParseResult =
  | { readonly ok: true; readonly manifest: Manifest }
  | { readonly ok: false; readonly error: ManifestValidationError };

/** Validates a parsed JSON value as a manifest without throwing. `source` (e.g. a file path) names it in the message. */
export function safeParseManifest(input: unknown, source?: string): ManifestParseResult {
  const fast = ManifestSchema.safeParse(input);
  if (fast.success) return { ok: true, manifest: fast.data };
  // Only failures pay for `reportInput` (it roughly triples parse time), which lets messages name the bad value.
  const result = ManifestSchema.safeParse(input, { reportInput: true });
  if (result.success) return { ok: true, manifest: result.data };
  return { ok: false, error: new ManifestValidationError(toManifestIssues(result.error.issues), source) };
}

/**
 * Validates a parsed JSON value as a manifest and applies defaults.
 * @throws ManifestValidationError (code `MANIFEST_INVALID`) listing every issue with its JSON path.
 */
export function parseManifest(input: unknown, source?: string): Manifest {
  const result = safeParseManifest(input, source);
  if (!result.ok) throw result.error;
  return result.manifest;
}
