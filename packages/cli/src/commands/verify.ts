import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createKeySet, verifyServiceMap, type KeyInput, type KeySet } from '@cortex-os/connectors-manifest';
import { intOption, parseCommandArgs, stringOption, type ParsedArgs } from '../args.js';
import { commandEnv, present, resolvePath, type Command, type CommandContext } from '../context.js';
import { FileError, KeyConfigError, UsageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { DEFAULT_FETCH_TIMEOUT_MS, fetchServiceMap, type FetchOutcome } from '../fetch-map.js';
import type { CliEnv } from '../io.js';
import { readKeyFile } from '../key-file.js';
import { dedupeKeys, envSecrets, keySecrets, parseVerifyKeys, verifyKeysFromEnv } from '../keys.js';

const OPTIONS = {
  keys: { type: 'string' },
  'key-file': { type: 'string' },
  'api-key': { type: 'string' },
  timeout: { type: 'string' },
  'env-file': { type: 'string' },
} as const;

async function keyInputs(ctx: CommandContext, parsed: ParsedArgs, env: CliEnv): Promise<KeyInput[]> {
  const keysJson = stringOption(parsed, 'keys');
  const keyFile = stringOption(parsed, 'key-file');
  if (keysJson === undefined && keyFile === undefined) return verifyKeysFromEnv(env);
  const inputs = keysJson === undefined ? [] : parseVerifyKeys(keysJson, '--keys');
  if (keyFile !== undefined) inputs.push(...(await readKeyFile(resolvePath(ctx, keyFile))).verify);
  return inputs;
}

async function keySet(inputs: readonly KeyInput[]): Promise<KeySet> {
  if (inputs.length === 0) {
    throw new KeyConfigError(
      'no verification keys: set CONNECTORS_VERIFY_KEYS, CONNECTORS_SIGNATURE_KEY or CONNECTORS_SIGNING_JWK, or pass --keys/--key-file',
    );
  }
  try {
    return await createKeySet(await dedupeKeys(inputs));
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message.replace(/^brAInwav: /, '') : 'invalid key';
    throw new KeyConfigError(`verification keys: ${reason}`, { cause });
  }
}

function targetUrl(target: string): URL | undefined {
  if (!/^https?:\/\//i.test(target)) return undefined;
  try {
    return new URL(target);
  } catch (cause) {
    throw new UsageError('verify: <url|file> starts with http(s):// but is not a valid URL', 'verify', {
      cause,
    });
  }
}

async function readTarget(ctx: CommandContext, target: string): Promise<FetchOutcome> {
  const path = target.startsWith('file:') ? fileURLToPath(target) : resolvePath(ctx, target);
  try {
    return { ok: true, body: await readFile(path) };
  } catch (cause) {
    throw new FileError('read', path, cause);
  }
}

/**
 * `verify <url|file> [--keys json] [--key-file f] [--api-key k] [--timeout ms] [--env-file f]`: fetches
 * (with `Authorization: Bearer`) or reads a signed service map and verifies it. Prints
 * `OK kid=… alg=… version=… expires=… connectors=…` and resolves to 0, or prints `FAIL <CODE>: <message>`
 * (a verify code, `HTTP <status>` or `NETWORK`) on stderr and resolves to 2.
 * Throws `KEY_INVALID` (no or bad keys) or `FILE_IO` (exit 1), `USAGE` (64).
 */
export const verifyCommand: Command = async (args, ctx) => {
  const parsed = parseCommandArgs('verify', args, OPTIONS, { min: 1, max: 1, name: '<url|file>' });
  const timeoutMs = intOption('verify', parsed, 'timeout', 1) ?? DEFAULT_FETCH_TIMEOUT_MS;
  const env = await commandEnv(ctx, stringOption(parsed, 'env-file'));
  const apiKey = stringOption(parsed, 'api-key') ?? present(env, 'CONNECTORS_API_KEY')?.split(',')[0]?.trim();
  ctx.out.secret(...envSecrets(env), apiKey);
  const inputs = await keyInputs(ctx, parsed, env);
  ctx.out.secret(...keySecrets(inputs));
  const keys = await keySet(inputs);
  const target = parsed.positionals[0] ?? '';
  const url = targetUrl(target);
  const fetched = url
    ? await fetchServiceMap(url, { apiKey, timeoutMs, fetch: ctx.io.fetch ?? fetch })
    : await readTarget(ctx, target);
  if (!fetched.ok) {
    ctx.out.err(fetched.line);
    return EXIT.VERIFY_FAILED;
  }
  const result = await verifyServiceMap(fetched.body, { keys, now: new Date(ctx.now()) });
  if (!result.ok) {
    ctx.out.err(`FAIL ${result.code}: ${result.message}`);
    return EXIT.VERIFY_FAILED;
  }
  const { map } = result;
  ctx.out.out(
    `OK kid=${result.kid} alg=${result.alg} version=${map.version} expires=${map.expiresAt} connectors=${map.connectors.length}`,
  );
  return EXIT.OK;
};
