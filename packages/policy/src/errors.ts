import { ConnectorsError } from '@cortex-os/connectors-manifest';

/** Error codes of this package (HTTP status through `httpStatusFor` is 500: they are configuration errors). */
export const POLICY_ERROR_CODES = {
  INVALID: 'POLICY_INVALID',
  NOT_FOUND: 'POLICY_NOT_FOUND',
} as const;

/** One problem in a policy file. */
export interface PolicyIssue {
  /** Path such as `rules[3] (id "no-delete").when` (empty for the whole document). */
  readonly path: string;
  /** What is wrong; never the text of a condition or a secret value. */
  readonly message: string;
  /** Index of the rule the issue is in, when it is in one. */
  readonly ruleIndex?: number;
  /** Id of that rule, when it has a readable one. */
  readonly ruleId?: string;
}

/** Renders one issue as `<path>: <message>` (or only the message for the document itself). */
export function renderIssue(issue: PolicyIssue): string {
  return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
}

/**
 * A policy failed to parse, validate or compile (code `POLICY_INVALID`). The message lists every issue with
 * its path, e.g. `brAInwav: policy rules[3] (id "no-delete").when: unknown variable args in phase list`.
 */
export class PolicyValidationError extends ConnectorsError {
  readonly issues: readonly PolicyIssue[];
  readonly source?: string;

  constructor(issues: readonly PolicyIssue[], source?: string) {
    const prefix = source ? `policy ${source}: ` : 'policy ';
    super(POLICY_ERROR_CODES.INVALID, `${prefix}${issues.map(renderIssue).join('; ')}`);
    this.issues = issues;
    if (source !== undefined) this.source = source;
  }
}

/** A policy file could not be read (code `POLICY_NOT_FOUND`, naming the path and the errno code). */
export class PolicyFileError extends ConnectorsError {
  readonly path: string;

  constructor(path: string, cause: unknown) {
    const errno = (cause as NodeJS.ErrnoException | undefined)?.code ?? 'EIO';
    super(POLICY_ERROR_CODES.NOT_FOUND, `policy file ${path} cannot be read (${errno})`, { cause });
    this.path = path;
  }
}

/** Formats a rule's path segment: `rules[3] (id "no-delete")`, or `rules[3]` when the id is unreadable. */
export function rulePath(index: number, id: unknown): string {
  return typeof id === 'string' && id.length > 0 && id.length <= 64
    ? `rules[${index}] (id ${JSON.stringify(id)})`
    : `rules[${index}]`;
}

/** An issue located in rule `index` (with its id) at `field`. */
export function ruleIssue(index: number, id: unknown, field: string, message: string): PolicyIssue {
  const base = rulePath(index, id);
  return {
    path: field ? `${base}.${field}` : base,
    message,
    ruleIndex: index,
    ...(typeof id === 'string' ? { ruleId: id } : {}),
  };
}
