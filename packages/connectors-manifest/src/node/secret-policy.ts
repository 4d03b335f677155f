import { isAbsolute, normalize } from 'node:path';
import picomatch from 'picomatch';
import { ConnectorsError } from '../errors.js';
import {
  envKeySecrets,
  SIGNATURE_KEY_VAR,
  SIGNING_JWK_VAR,
  VERIFY_KEYS_VAR,
  type KeyEnv,
} from '../key-env.js';
import type { SecretRef } from '../secret-ref.js';

/** Allow-list variable: comma-separated globs over whole refs (`env:CONNECTOR_*,file:/run/secrets/*`). */
export const SECRET_REFS_VAR = 'CONNECTORS_SECRET_REFS';
/** The one directory `file:` refs may point into (real path, symlinks resolved). */
export const SECRET_DIR_VAR = 'CONNECTORS_SECRET_DIR';
/** Allow-list used when {@link SECRET_REFS_VAR} is unset (plus `file:<dir>/**` when a secret dir is set). */
export const DEFAULT_SECRET_REFS: readonly string[] = Object.freeze(['env:CONNECTOR_*']);
/** The gateway's API key variables (comma-separated key lists). */
const API_KEY_VARS: readonly string[] = ['MCP_API_KEY', 'CONNECTORS_API_KEY', 'ASBR_API_KEY'];
/** The gateway's own key variables: never resolved for an upstream, whatever the allow-list says. */
export const GATEWAY_KEY_VARS: readonly string[] = Object.freeze([
  ...API_KEY_VARS,
  SIGNATURE_KEY_VAR,
  SIGNING_JWK_VAR,
  VERIFY_KEYS_VAR,
]);

/** Validated allow-list settings (no secrets: safe to log). */
export interface SecretRefSettings {
  /** Globs a ref must match (`env:…` or `file:/…`). */
  readonly allow: readonly string[];
  /** Absolute directory `file:` refs must resolve into; undefined: every `file:` ref is refused. */
  readonly secretDir: string | undefined;
}

/** Settings plus the values no ref may resolve to (the server's own configured secrets). */
export interface SecretRefPolicyOptions extends Partial<SecretRefSettings> {
  /** Secret values of the server itself; a ref whose value equals one is refused. */
  readonly deniedValues?: readonly string[];
}

/** A compiled policy: which refs may be resolved and which values they must never yield. */
export interface SecretRefPolicy extends SecretRefSettings {
  /** True when `ref` (the whole text) matches the allow-list. */
  matches(ref: string): boolean;
  /** True when `value` is one of the server's own secrets. */
  denies(value: string): boolean;
}

/**
 * A `secretRef` the policy refuses: code `SECRET_REF_NOT_ALLOWED`, message
 * `brAInwav: secretRef <ref> is not allowed (<why>)`. Names the ref, never its target's value.
 */
export class SecretRefNotAllowedError extends ConnectorsError {
  /** The refused reference. */
  readonly ref: string;
  /** Why (`CONNECTORS_SECRET_REFS`, `outside CONNECTORS_SECRET_DIR`, …). */
  readonly why: string;

  constructor(ref: string, why: string) {
    super('SECRET_REF_NOT_ALLOWED', `secretRef ${ref} is not allowed (${why})`);
    this.ref = ref;
    this.why = why;
  }
}

/** A policy variable is malformed: code `CONFIG_INVALID`, names the variable (and entry index), never a value. */
export class SecretPolicyConfigError extends ConnectorsError {
  /** The variable at fault. */
  readonly variable: string;
  /** The rule it broke. */
  readonly reason: string;

  constructor(variable: string, reason: string) {
    super('CONFIG_INVALID', `${variable} ${reason}`);
    this.variable = variable;
    this.reason = reason;
  }
}

const GLOB_OPTIONS = { strictBrackets: true } as const;

/** `file:<dir>/**` with the directory's glob characters escaped. */
function dirGlob(dir: string): string {
  return `file:${normalize(`${dir}/`).replace(/[*?[\]{}()!+@|\\]/g, '\\$&')}**`;
}

function compile(glob: string, index: number): picomatch.Matcher {
  if (!/^(?:env:\S+|file:\/\S*)$/.test(glob))
    throw new SecretPolicyConfigError(SECRET_REFS_VAR, `entry ${index} must be env:<glob> or file:/<glob>`);
  try {
    return picomatch(glob, GLOB_OPTIONS);
  } catch {
    throw new SecretPolicyConfigError(SECRET_REFS_VAR, `entry ${index} is not a valid glob`);
  }
}

/**
 * Compiles a policy. Default allow-list: {@link DEFAULT_SECRET_REFS} plus `file:<secretDir>/**`.
 * @throws SecretPolicyConfigError naming `CONNECTORS_SECRET_REFS` (entry index) or `CONNECTORS_SECRET_DIR`.
 */
export function createSecretRefPolicy(options: SecretRefPolicyOptions = {}): SecretRefPolicy {
  const secretDir = options.secretDir;
  if (secretDir !== undefined && !isAbsolute(secretDir))
    throw new SecretPolicyConfigError(SECRET_DIR_VAR, 'must be an absolute directory path');
  const allow = options.allow ?? [...DEFAULT_SECRET_REFS, ...(secretDir ? [dirGlob(secretDir)] : [])];
  const matchers = allow.map(compile);
  if (secretDir === undefined && allow.some((glob) => glob.startsWith('file:')))
    throw new SecretPolicyConfigError(SECRET_DIR_VAR, `is required when ${SECRET_REFS_VAR} lists file: refs`);
  const denied = new Set((options.deniedValues ?? []).filter((v) => v.trim() !== ''));
  return {
    allow: [...allow],
    secretDir,
    matches: (ref) => matchers.some((m) => m(ref)),
    denies: (value) => denied.has(value) || denied.has(value.trim()),
  };
}

function present(env: KeyEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Reads `CONNECTORS_SECRET_REFS` (comma-separated globs, empty entries ignored; default
 * `env:CONNECTOR_*`) and `CONNECTORS_SECRET_DIR` (absolute path).
 * @throws SecretPolicyConfigError naming the variable and the rule it broke.
 */
export function readSecretRefSettings(env: KeyEnv): SecretRefSettings {
  const secretDir = present(env, SECRET_DIR_VAR);
  const listed = present(env, SECRET_REFS_VAR);
  const allow = listed
    ?.split(',')
    .map((glob) => glob.trim())
    .filter(Boolean);
  const policy = createSecretRefPolicy({ ...(allow ? { allow } : {}), ...(secretDir ? { secretDir } : {}) });
  return { allow: policy.allow, secretDir: policy.secretDir };
}

/** The gateway secrets an environment holds (API keys, signing/verify key material), to deny as ref values. */
export function gatewaySecretValues(env: KeyEnv): string[] {
  const apiKeys = API_KEY_VARS.flatMap(
    (name) =>
      present(env, name)
        ?.split(',')
        .map((key) => key.trim()) ?? [],
  );
  return [...apiKeys, ...envKeySecrets(env)].filter((value) => value !== '');
}

/** The default policy of an environment: default allow-list, no file dir, its gateway secrets denied. */
export function defaultSecretRefPolicy(env: KeyEnv = process.env): SecretRefPolicy {
  return createSecretRefPolicy({ deniedValues: gatewaySecretValues(env) });
}

/** Why `ref` may not be resolved by name alone (allow-list, gateway key, `.`/`..` segments), or undefined. */
export function refusalOf(ref: SecretRef, text: string, policy: SecretRefPolicy): string | undefined {
  if (ref.kind === 'file' && ref.path.split('/').some((segment) => segment === '..' || segment === '.'))
    return `outside ${SECRET_DIR_VAR}`;
  if (!policy.matches(text)) return SECRET_REFS_VAR;
  if (ref.kind === 'env')
    return GATEWAY_KEY_VARS.includes(ref.name) ? 'a gateway key is never sent upstream' : undefined;
  return policy.secretDir === undefined ? `file: refs need ${SECRET_DIR_VAR}` : undefined;
}
