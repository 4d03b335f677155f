import { readFile } from 'node:fs/promises';
import { ConnectorsError } from '../errors.js';
import { parseSecretRef } from '../secret-ref.js';

/**
 * Resolves a `secretRef` to the secret value (`env:NAME` from `env`, `file:/path` read and trimmed).
 * Errors name the reference, never a value.
 * @throws ConnectorsError `SECRET_UNRESOLVED` when the variable is unset/empty or the file cannot be read.
 */
export async function resolveSecretRef(ref: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const parsed = parseSecretRef(ref);
  if (parsed.kind === 'env') {
    const value = env[parsed.name];
    if (!value) throw new ConnectorsError('SECRET_UNRESOLVED', `secretRef ${ref} is not set`);
    return value;
  }
  try {
    const value = (await readFile(parsed.path, 'utf8')).trim();
    if (!value) throw new Error('empty');
    return value;
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'EMPTY';
    throw new ConnectorsError('SECRET_UNRESOLVED', `secretRef ${ref} could not be read (${code})`, { cause });
  }
}
