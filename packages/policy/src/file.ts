import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { compilePolicy, type CompiledPolicy } from './compile.js';
import { PolicyFileError } from './errors.js';
import { parsePolicy, sniffFormat, type PolicyFormat } from './parse.js';

/** `json` for `.json`, `yaml` for `.yaml`/`.yml`, else sniffed from the text. */
export function formatOf(path: string, text: string): PolicyFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  return sniffFormat(text);
}

/** Reads a policy file's text. @throws PolicyFileError (code `POLICY_NOT_FOUND`) naming the path. */
export async function readPolicyText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    throw new PolicyFileError(path, cause);
  }
}

/** Parses and compiles a policy text read from `path` (the path names it in errors). */
export function compilePolicyText(text: string, path: string): CompiledPolicy {
  return compilePolicy(parsePolicy(text, { source: path, format: formatOf(path, text) }), { source: path });
}

/**
 * Reads, parses (YAML or JSON, by extension, else by content), validates and compiles a policy file.
 * @throws PolicyFileError (`POLICY_NOT_FOUND`) or PolicyValidationError (`POLICY_INVALID`, path-precise).
 */
export async function loadPolicyFile(path: string): Promise<CompiledPolicy> {
  return compilePolicyText(await readPolicyText(path), path);
}
