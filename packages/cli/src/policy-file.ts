import { loadPolicyFile, PolicyValidationError, renderIssue, type CompiledPolicy } from '@cortex-os/policy';
import { CliError } from './errors.js';
import { EXIT } from './exit-codes.js';

/** `brAInwav: policy <path> is invalid (<n> issues):` and one `<path>: <message>` line per issue. */
export function invalidPolicyMessage(path: string, error: PolicyValidationError): string {
  const n = error.issues.length;
  const header = `policy ${path} is invalid (${n} issue${n === 1 ? '' : 's'}):`;
  return [header, ...error.issues.map(renderIssue)].join('\n');
}

/**
 * Loads (reads, parses, validates, compiles) the policy file at the absolute `path`.
 * @throws CliError `POLICY_INVALID` (exit 65) listing every path-precise issue; a file that cannot be read
 *   throws the library's `PolicyFileError` (`POLICY_NOT_FOUND`, exit 1 as a missing manifest).
 */
export async function loadCliPolicy(path: string): Promise<CompiledPolicy> {
  try {
    return await loadPolicyFile(path);
  } catch (error) {
    if (!(error instanceof PolicyValidationError)) throw error;
    throw new CliError(error.code, invalidPolicyMessage(path, error), {
      cause: error,
      exitCode: EXIT.DATA_ERROR,
    });
  }
}
