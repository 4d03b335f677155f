import { readFile, realpath } from 'node:fs/promises';
import { sep } from 'node:path';
import { ConnectorsError } from '../errors.js';
import { parseSecretRef } from '../secret-ref.js';
import {
  defaultSecretRefPolicy,
  refusalOf,
  SECRET_DIR_VAR,
  SecretRefNotAllowedError,
  type SecretRefPolicy,
} from './secret-policy.js';

function unreadable(ref: string, cause: unknown): ConnectorsError {
  const code = (cause as NodeJS.ErrnoException).code ?? 'EMPTY';
  return new ConnectorsError('SECRET_UNRESOLVED', `secretRef ${ref} could not be read (${code})`, { cause });
}

/** The real path of `path`, refused unless it lies inside the policy's real secret directory. */
async function realPathInside(ref: string, path: string, dir: string): Promise<string> {
  let real: string;
  let realDir: string;
  try {
    [real, realDir] = await Promise.all([realpath(path), realpath(dir)]);
  } catch (cause) {
    throw unreadable(ref, cause);
  }
  if (!real.startsWith(realDir.endsWith(sep) ? realDir : `${realDir}${sep}`))
    throw new SecretRefNotAllowedError(ref, `outside ${SECRET_DIR_VAR}`);
  return real;
}

async function readFileRef(ref: string, path: string, policy: SecretRefPolicy): Promise<string> {
  const real = await realPathInside(ref, path, policy.secretDir as string);
  try {
    const value = (await readFile(real, 'utf8')).trim();
    if (!value) throw new Error('empty');
    return value;
  } catch (cause) {
    throw unreadable(ref, cause);
  }
}

/**
 * Resolves a `secretRef` to the secret value (`env:NAME` from `env`, `file:/path` read and trimmed), only
 * when `policy` allows it: the ref matches the allow-list, is not one of the gateway's own key variables,
 * a `file:` ref's real path (symlinks resolved) lies inside the secret directory, and the value is not one
 * of the server's own secrets. Default policy: `env:CONNECTOR_*` only, the gateway secrets of `env` denied.
 * Errors name the reference, never a value.
 * @throws SecretRefNotAllowedError `SECRET_REF_NOT_ALLOWED` when the policy refuses the ref.
 * @throws ConnectorsError `SECRET_UNRESOLVED` when the variable is unset/empty or the file cannot be read.
 */
export async function resolveSecretRef(
  ref: string,
  env: NodeJS.ProcessEnv = process.env,
  policy: SecretRefPolicy = defaultSecretRefPolicy(env),
): Promise<string> {
  const parsed = parseSecretRef(ref);
  const why = refusalOf(parsed, ref, policy);
  if (why !== undefined) throw new SecretRefNotAllowedError(ref, why);
  let value: string;
  if (parsed.kind === 'env') {
    const raw = env[parsed.name];
    if (!raw) throw new ConnectorsError('SECRET_UNRESOLVED', `secretRef ${ref} is not set`);
    value = raw;
  } else {
    value = await readFileRef(ref, parsed.path, policy);
  }
  if (policy.denies(value))
    throw new SecretRefNotAllowedError(ref, "its value is one of the gateway's own keys");
  return value;
}

/** A resolver bound to `policy` and `env` (default `process.env`), as the bridge's `resolveSecret` option takes. */
export function createSecretResolver(
  policy: SecretRefPolicy,
  env: NodeJS.ProcessEnv = process.env,
): (ref: string) => Promise<string> {
  return (ref) => resolveSecretRef(ref, env, policy);
}
