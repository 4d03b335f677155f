import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  buildServiceMap,
  createKeySet,
  createSigner,
  signServiceMap,
  verifyInputFor,
  verifyServiceMap,
  type ServiceMap,
  type SigningKeyInput,
} from '@cortex-os/connectors-manifest';
import { readManifestFile } from '@cortex-os/connectors-manifest/node';
import { ulid } from 'ulid';
import { intOption, parseCommandArgs, stringOption } from '../args.js';
import { commandEnv, resolvePath, type Command, type CommandContext } from '../context.js';
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
} as const;

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
 * `sign <manifest> [--out file] [--version N] [--ttl S] [--key-file f] [--env-file f]`: validates the
 * manifest, builds the service map (id: a fresh ULID; version: `--version` or `Date.now()` in ms; TTL:
 * `--ttl` seconds or the manifest's), signs it (key: `--key-file`, else `CONNECTORS_SIGNING_JWK`, else
 * `CONNECTORS_SIGNATURE_KEY`) and writes it as JSON to stdout or `--out`. Resolves to 0.
 * Throws `KEY_INVALID`, `MANIFEST_NOT_FOUND`/`MANIFEST_INVALID`, `FILE_IO` (exit 1) or `USAGE` (64).
 */
export const signCommand: Command = async (args, ctx) => {
  const parsed = parseCommandArgs('sign', args, OPTIONS, { min: 1, max: 1, name: '<manifest>' });
  const version = intOption('sign', parsed, 'version', 0);
  const ttl = intOption('sign', parsed, 'ttl', 1);
  const env = await commandEnv(ctx, stringOption(parsed, 'env-file'));
  ctx.out.secret(...envSecrets(env));
  const key = await signingKey(ctx, env, stringOption(parsed, 'key-file'));
  ctx.out.secret(...keySecrets([key]));
  const { manifest } = await readManifestFile(resolvePath(ctx, parsed.positionals[0] ?? ''));
  const signer = await createSigner(key);
  const now = ctx.now();
  const unsigned = buildServiceMap(ttl === undefined ? manifest : { ...manifest, ttlSeconds: ttl }, {
    now: new Date(now),
    id: ulid(now),
    version: version ?? now,
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
