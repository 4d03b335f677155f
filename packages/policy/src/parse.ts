import { formatPath } from '@cortex-os/connectors-manifest';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { PolicyValidationError, ruleIssue, type PolicyIssue } from './errors.js';
import { PolicyDocumentSchema, type PolicyDocument } from './schema.js';

/** The syntax of a policy text. */
export type PolicyFormat = 'yaml' | 'json';

/** Options of {@link parsePolicy}. */
export interface ParsePolicyOptions {
  /** Names the policy in error messages (e.g. its file path). */
  readonly source?: string;
  /** Syntax; by default sniffed: JSON when the text starts with `{`, else YAML. */
  readonly format?: PolicyFormat;
}

/** Largest policy text accepted, in UTF-16 code units (1 MiB). */
export const MAX_POLICY_CHARS = 1024 * 1024;

/** JSON when the first non-blank character is `{`, else YAML. */
export function sniffFormat(text: string): PolicyFormat {
  return /^\s*\{/.test(text) ? 'json' : 'yaml';
}

function syntaxValue(text: string, format: PolicyFormat, source?: string): unknown {
  const lines = new LineCounter();
  // YAML 1.2 is a superset of JSON: one parser for both gives line/column positions and rejects duplicate keys.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const at = lines.linePos(first.pos[0]);
    const label = format === 'json' ? 'JSON' : 'YAML';
    const message = `invalid ${label} at line ${at.line}, column ${at.col} (${first.code})`;
    throw new PolicyValidationError([{ path: '', message }], source);
  }
  return doc.toJS({ maxAliasCount: 100 }) as unknown;
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys')
    return `has unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  const text = issue.message.replace(/^Invalid input: /, '');
  return `${text.charAt(0).toLowerCase()}${text.slice(1)}`;
}

function rawRuleId(input: unknown, index: number): unknown {
  const rules = (input as { rules?: unknown } | null)?.rules;
  return Array.isArray(rules) ? (rules[index] as { id?: unknown } | null)?.id : undefined;
}

/** Zod issues as {@link PolicyIssue}s; issues inside a rule name its index and id. */
export function toPolicyIssues(issues: readonly z.core.$ZodIssue[], input: unknown): PolicyIssue[] {
  return issues.map((issue) => {
    const [head, index, ...rest] = issue.path;
    if (head === 'rules' && typeof index === 'number')
      return ruleIssue(index, rawRuleId(input, index), formatPath(rest), describe(issue));
    return { path: formatPath(issue.path), message: describe(issue) };
  });
}

/**
 * Validates an already parsed value as a policy document (defaults applied). CEL conditions are not
 * checked here: {@link compilePolicy} type-checks them.
 * @throws PolicyValidationError (code `POLICY_INVALID`) listing every issue with its path.
 */
export function validatePolicy(input: unknown, source?: string): PolicyDocument {
  const result = PolicyDocumentSchema.safeParse(input);
  if (result.success) return result.data;
  throw new PolicyValidationError(toPolicyIssues(result.error.issues, input), source);
}

/**
 * Parses a policy text (YAML or JSON) and validates it against the schema.
 * @throws PolicyValidationError (code `POLICY_INVALID`) for a syntax error (line and column) or schema issues.
 */
export function parsePolicy(text: string, options: ParsePolicyOptions = {}): PolicyDocument {
  if (text.length > MAX_POLICY_CHARS) {
    const message = `is larger than ${MAX_POLICY_CHARS} characters`;
    throw new PolicyValidationError([{ path: '', message }], options.source);
  }
  const format = options.format ?? sniffFormat(text);
  return validatePolicy(syntaxValue(text, format, options.source), options.source);
}
