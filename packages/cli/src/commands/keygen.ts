import { generateSigningKey, type GeneratedKey, type SignatureAlg } from '@cortex-os/connectors-manifest';
import { parseCommandArgs, stringOption } from '../args.js';
import type { Command } from '../context.js';
import { UsageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { SIGNATURE_KEY_VAR, SIGNING_JWK_VAR, VERIFY_KEYS_VAR } from '../keys.js';

const ALGS: Record<string, SignatureAlg> = { hs256: 'HS256', eddsa: 'EdDSA' };

function parseAlg(text: string | undefined): SignatureAlg {
  if (text === undefined) throw new UsageError('keygen: --alg HS256|EdDSA is required', 'keygen');
  const alg = ALGS[text.toLowerCase()];
  if (alg === undefined)
    throw new UsageError(`keygen: --alg must be HS256 or EdDSA (got ${JSON.stringify(text)})`, 'keygen');
  return alg;
}

/** The environment variables (name → value) that configure a generated key. */
export function keyEnv(key: GeneratedKey): Record<string, string> {
  if (key.signing.alg === 'HS256') return { [SIGNATURE_KEY_VAR]: key.signing.secret };
  const { kty, crv, x, d } = key.signing.privateJwk;
  const verify =
    key.verify.alg === 'EdDSA' ? [{ kid: key.kid, alg: 'EdDSA', publicJwk: { kty, crv, x } }] : [];
  return { [SIGNING_JWK_VAR]: JSON.stringify({ kty, crv, x, d }), [VERIFY_KEYS_VAR]: JSON.stringify(verify) };
}

function envText(key: GeneratedKey, now: Date): string {
  const env = keyEnv(key);
  const quote = (value: string): string =>
    value.startsWith('{') || value.startsWith('[') ? `'${value}'` : value;
  const lines = Object.entries(env).map(([name, value]) => `${name}=${quote(value)}`);
  const header = [
    `# brAInwav connectors signing key (${key.signing.alg}), generated ${now.toISOString()}`,
    `# kid ${key.kid}`,
  ];
  return `${[...header, ...lines].join('\n')}\n`;
}

/**
 * `keygen --alg HS256|EdDSA [--json]`: generates a signing key and prints it as `.env.local` lines
 * (HS256: `CONNECTORS_SIGNATURE_KEY=…`; EdDSA: `CONNECTORS_SIGNING_JWK='…'` and `CONNECTORS_VERIFY_KEYS='[…]'`
 * with the kid), or with `--json` one object `{ alg, kid, signing, verify, env }`. The only command that
 * prints a secret, by design. Resolves to 0; a missing or unknown `--alg` is a usage error (64).
 */
export const keygenCommand: Command = async (args, ctx) => {
  const options = { alg: { type: 'string' }, json: { type: 'boolean' } } as const;
  const parsed = parseCommandArgs('keygen', args, options, { min: 0, max: 0 });
  const key = await generateSigningKey(parseAlg(stringOption(parsed, 'alg')));
  if (parsed.values.json === true) {
    const json = {
      alg: key.signing.alg,
      kid: key.kid,
      signing: key.signing,
      verify: key.verify,
      env: keyEnv(key),
    };
    ctx.out.unredacted(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    ctx.out.unredacted(envText(key, new Date(ctx.now())));
  }
  return EXIT.OK;
};
