import {
  createKeySet,
  createSigner,
  defaultHsKid,
  MIN_HS256_SECRET_BYTES,
} from '@cortex-os/connectors-manifest';
import { present } from './context.js';
import type { CliEnv } from './io.js';
import {
  dedupeKeys,
  parseSigningJwk,
  parseVerifyKeys,
  SIGNATURE_KEY_VAR,
  SIGNING_JWK_VAR,
  VERIFY_KEYS_VAR,
} from './keys.js';

/** One line of the doctor checklist: ✔ pass, ✖ fail, · skipped (not counted). */
export interface Check {
  readonly status: 'pass' | 'fail' | 'skip';
  readonly label: string;
  readonly detail: string;
  /** Extra lines printed indented under the check (e.g. manifest issues). */
  readonly sub?: readonly string[];
}

const pass = (label: string, detail: string): Check => ({ status: 'pass', label, detail });
const fail = (label: string, detail: string, sub?: readonly string[]): Check => ({
  status: 'fail',
  label,
  detail,
  ...(sub ? { sub } : {}),
});

/** An error's message without the brand prefix and without a leading variable name. */
export function reasonOf(error: unknown, variable?: string): string {
  const text = error instanceof Error ? error.message.replace(/^brAInwav: /, '') : 'invalid';
  return variable !== undefined && text.startsWith(`${variable} `) ? text.slice(variable.length + 1) : text;
}

async function hsCheck(secret: string): Promise<Check> {
  const bytes = Buffer.byteLength(secret, 'utf8');
  if (bytes < MIN_HS256_SECRET_BYTES) {
    return fail(SIGNATURE_KEY_VAR, `must be at least ${MIN_HS256_SECRET_BYTES} bytes (got ${bytes})`);
  }
  return pass(SIGNATURE_KEY_VAR, `HS256 secret, ${bytes} bytes, kid ${await defaultHsKid(secret)}`);
}

async function jwkCheck(text: string): Promise<Check> {
  try {
    const signer = await createSigner(parseSigningJwk(text, SIGNING_JWK_VAR));
    return pass(SIGNING_JWK_VAR, `Ed25519 private JWK, kid ${signer.kid}`);
  } catch (error) {
    return fail(SIGNING_JWK_VAR, reasonOf(error, SIGNING_JWK_VAR));
  }
}

/** Signing key checks: each of `CONNECTORS_SIGNING_JWK` / `CONNECTORS_SIGNATURE_KEY` that is set, or one failure when neither is. */
export async function signingKeyChecks(env: CliEnv): Promise<Check[]> {
  const jwk = present(env, SIGNING_JWK_VAR);
  const secret = present(env, SIGNATURE_KEY_VAR);
  const checks: Check[] = [];
  if (jwk !== undefined) checks.push(await jwkCheck(jwk));
  if (secret !== undefined) checks.push(await hsCheck(secret));
  if (checks.length > 0) return checks;
  return [
    fail(
      'signing key',
      `missing: set ${SIGNATURE_KEY_VAR} (HS256, >= ${MIN_HS256_SECRET_BYTES} bytes) or ${SIGNING_JWK_VAR} (EdDSA)`,
    ),
  ];
}

/** `CONNECTORS_VERIFY_KEYS`, when set: parses and builds a key set (kids listed, never secrets). */
export async function verifyKeysChecks(env: CliEnv): Promise<Check[]> {
  const text = present(env, VERIFY_KEYS_VAR);
  if (text === undefined) return [];
  try {
    const keys = await createKeySet(await dedupeKeys(parseVerifyKeys(text, VERIFY_KEYS_VAR)));
    return [
      pass(VERIFY_KEYS_VAR, `${keys.size} key${keys.size === 1 ? '' : 's'} (kid ${keys.kids().join(', ')})`),
    ];
  } catch (error) {
    return [fail(VERIFY_KEYS_VAR, reasonOf(error, VERIFY_KEYS_VAR))];
  }
}

/** `CONNECTORS_API_KEY` (comma-separated, no empty entry) unless `NO_AUTH=true`; `NO_AUTH` itself must be true/false. */
export function apiKeyChecks(env: CliEnv): Check[] {
  const noAuth = present(env, 'NO_AUTH')?.trim();
  if (noAuth !== undefined && noAuth !== 'true' && noAuth !== 'false')
    return [fail('NO_AUTH', 'must be "true" or "false"')];
  if (noAuth === 'true') return [pass('CONNECTORS_API_KEY', 'not required (NO_AUTH=true)')];
  const raw = present(env, 'CONNECTORS_API_KEY');
  if (raw === undefined) return [fail('CONNECTORS_API_KEY', 'missing (required unless NO_AUTH=true)')];
  const keys = raw.split(',').map((key) => key.trim());
  if (keys.some((key) => key === '')) return [fail('CONNECTORS_API_KEY', 'must not contain empty entries')];
  return [pass('CONNECTORS_API_KEY', `${keys.length} key${keys.length === 1 ? '' : 's'} set`)];
}

/** `ASBR_PORT`, `CONNECTORS_PORT` (integers 0–65535) and `ASBR_URL` (http(s) URL), each only when set. */
export function networkChecks(env: CliEnv): Check[] {
  const checks: Check[] = [];
  for (const name of ['ASBR_PORT', 'CONNECTORS_PORT']) {
    const raw = present(env, name)?.trim();
    if (raw === undefined) continue;
    const ok = /^\d+$/.test(raw) && Number(raw) <= 65_535;
    checks.push(ok ? pass(name, raw) : fail(name, 'must be an integer between 0 and 65535'));
  }
  const url = present(env, 'ASBR_URL');
  if (url !== undefined) {
    const parsed = URL.canParse(url) ? new URL(url) : undefined;
    const ok = parsed !== undefined && /^https?:$/.test(parsed.protocol);
    checks.push(
      ok
        ? pass('ASBR_URL', `${parsed.origin}${parsed.pathname}`)
        : fail('ASBR_URL', 'must be an http(s) URL'),
    );
  }
  return checks;
}
