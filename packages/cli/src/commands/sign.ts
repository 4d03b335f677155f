import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  GATEWAY_URL_VAR,
  GatewayUrlError,
  PUBLIC_URL_VAR,
  buildServiceMap,
  createKeySet,
  isStdioEntry,
  normalizeGatewayUrl,
  type Manifest,
  createSigner,
  signServiceMap,
  verifyInputFor,
  verifyServiceMap,
  type ServiceMap,
  type SigningKeyInput,
} from '@cortex-os/connectors-manifest';
import { readManifestFile } from '@cortex-os/connectors-manifest/node';
import { ulid } from 'ulid';
import { intOption, parseCommandArgs, stringOption, usageError } from '../args.js';
import { commandEnv, present, resolvePath, type Command, type CommandContext } from '../context.js';
import { CliError, FileError, KeyConfigError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import type { CliEnv } from '../io.js';
import { readKeyFile } from '../key-file.js';
import { envSecrets, keySecrets, signingKeyFromEnv } from '../keys.js';

const OPTIONS = {
  out: { type: 'string' },
  version: { type: 'string' },
  ttl: { type: 'string' },
  'key-file': { type: 'string' },
  'env-file': { type: 'string' },
  'gateway-url': { type: 'string' },
} as const;

/**
 * The gateway base URL stdio connectors are published under: `--gateway-url`, else `CONNECTORS_GATEWAY_URL`, else
 * `CONNECTORS_PUBLIC_URL`, normalized; `undefined` when none is given.
 * @throws UsageError (exit 64) for a bad `--gateway-url`; CliError `CONFIG_INVALID` (exit 1) naming the variable for
 *   a bad environment value. Neither echoes the value.
 */
function gatewayUrl(option: string | undefined, env: CliEnv): string | undefined {
  if (option !== undefined) {
    try {
      return normalizeGatewayUrl(option);
    } catch (error) {
      if (error instanceof GatewayUrlError) throw usageError('sign', `--gateway-url ${error.reason}`, error);
      throw error;
    }
  }
  const variable = present(env, GATEWAY_URL_VAR) !== undefined ? GATEWAY_URL_VAR : PUBLIC_URL_VAR;
  const raw = present(env, variable);
  if (raw === undefined) return undefined;
  try {
    return normalizeGatewayUrl(raw);
  } catch (error) {
    if (error instanceof GatewayUrlError)
      throw new CliError('CONFIG_INVALID', `sign: ${variable} ${error.reason}`, { cause: error });
    throw error;
  }
}

/** A stdio connector needs a gateway URL to be published under (exit 1, like other manifest errors). */
function requireGatewayFor(manifest: Manifest, gateway: string | undefined): void {
  const stdio = manifest.connectors.find(isStdioEntry);
  if (stdio === undefined || gateway !== undefined) return;
  throw new CliError(
    'MANIFEST_INVALID',
    `sign: connector ${stdio.id} is a stdio connector: pass --gateway-url <url> or set ${GATEWAY_URL_VAR} (or ${PUBLIC_URL_VAR}) to the gateway base URL its map endpoint <url>/mcp/connectors/${stdio.id} is published under`,
  );
}

async function signingKey(
  ctx: CommandContext,
  env: CliEnv,
  keyFile: string | undefined,
): Promise<SigningKeyInput> {
  if (keyFile !== undefined) {
    const path = resolvePath(ctx, keyFile);
    const { signing } = await readKeyFile(path);
    if (signing === undefined)
      throw new KeyConfigError(`key file ${path} holds no signing key (only verification keys)`);
    return signing;
  }
  const key = signingKeyFromEnv(env);
  if (key !== undefined) return key;
  throw new KeyConfigError(
    'no signing key: set CONNECTORS_SIGNING_JWK (EdDSA) or CONNECTORS_SIGNATURE_KEY (HS256), or pass --key-file',
  );
}

/** Checks the freshly signed map the way `verify` will, so `sign` never writes a map that fails it. */
async function selfVerify(map: ServiceMap, key: SigningKeyInput, now: number): Promise<void> {
  const keys = await createKeySet([verifyInputFor(key)]);
  const result = await verifyServiceMap(JSON.stringify(map), { keys, now: new Date(now) });
  if (!result.ok)
    throw new CliError('SIGN_FAILED', `the signed map does not verify (${result.code}): ${result.message}`);
}

async function writeOut(path: string, text: string): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text, 'utf8');
  } catch (cause) {
    throw new FileError('write', path, cause);
  }
}

/**
 * `sign <manifest> [--out file] [--version N] [--ttl S] [--key-file f] [--env-file f] [--gateway-url u]`: validates the
 * manifest, builds the service map (id: a fresh ULID; version: `--version` or `Date.now()` in ms; TTL:
 * `--ttl` seconds or the manifest's), signs it (key: `--key-file`, else `CONNECTORS_SIGNING_JWK`, else
 * `CONNECTORS_SIGNATURE_KEY`) and writes it as JSON to stdout or `--out`. A stdio connector is published as
 * `<gateway>/mcp/connectors/<id>` (`--gateway-url`, else `CONNECTORS_GATEWAY_URL`, else `CONNECTORS_PUBLIC_URL`),
 * never its command line or env. Resolves to 0.
 * Throws `KEY_INVALID`, `MANIFEST_NOT_FOUND`/`MANIFEST_INVALID` (a stdio connector without a gateway URL included),
 * `CONFIG_INVALID` (bad gateway URL variable), `FILE_IO` (exit 1) or `USAGE` (64, a bad `--gateway-url`).
 */
export const signCommand: Command = async (args, ctx) => {
  const parsed = parseCommandArgs('sign', args, OPTIONS, { min: 1, max: 1, name: '<manifest>' });
  const version = intOption('sign', parsed, 'version', 0);
  const ttl = intOption('sign', parsed, 'ttl', 1);
  const env = await commandEnv(ctx, stringOption(parsed, 'env-file'));
  ctx.out.secret(...envSecrets(env));
  const gateway = gatewayUrl(stringOption(parsed, 'gateway-url'), env);
  const key = await signingKey(ctx, env, stringOption(parsed, 'key-file'));
  ctx.out.secret(...keySecrets([key]));
  const { manifest } = await readManifestFile(resolvePath(ctx, parsed.positionals[0] ?? ''));
  requireGatewayFor(manifest, gateway);
  const signer = await createSigner(key);
  const now = ctx.now();
  const unsigned = buildServiceMap(ttl === undefined ? manifest : { ...manifest, ttlSeconds: ttl }, {
    now: new Date(now),
    id: ulid(now),
    version: version ?? now,
    gatewayUrl: gateway,
  });
  const map = await signServiceMap(unsigned, signer);
  await selfVerify(map, key, now);
  const text = `${JSON.stringify(map, null, 2)}\n`;
  const out = stringOption(parsed, 'out');
  if (out === undefined) {
    ctx.out.raw(text);
    return EXIT.OK;
  }
  const path = resolvePath(ctx, out);
  await writeOut(path, text);
  const summary = `id=${map.id} version=${map.version} kid=${signer.kid} alg=${signer.alg} expires=${map.expiresAt} connectors=${map.connectors.length}`;
  ctx.out.out(`OK wrote ${path} ${summary}`);
  return EXIT.OK;
};
